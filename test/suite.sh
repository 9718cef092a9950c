#!/usr/bin/env bash
# `npm test`: every test file under Node's own runner (TypeScript through
# tsx), with the harness in each file's process (test/helpers/harness.ts: a test owns what it
# starts, a file has a time limit). Files that run servers run beside each other and beside the
# unit files (they take turns through test/helpers/measuring.ts); the one that measures the
# machine's contention runs alone. The type check is a test file too
# (test/style/typecheck.test.ts), so it runs beside the rest. Ends with the ten slowest files.
#
#   npm test                                  # the whole suite
#   npm test -- test/client/wire.test.ts      # some files
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/arm64/*' | sort)
fi
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "npm test: no such test file: $f" >&2; exit 2; }
done
# Four files at a time, longest first, the file that measures with the machine to itself last
# (test/helpers/run-suite.mjs). The flags here reach every test file's process.
exec node --import tsx --import ./test/helpers/harness.ts test/helpers/run-suite.mjs "${files[@]}"
