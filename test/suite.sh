#!/usr/bin/env bash
# `npm test`: the type check, then every test file under Node's own runner (TypeScript through
# tsx), with the harness in each file's process (test/helpers/harness.ts: a test owns what it
# starts, a file has a time limit). Files that measure (they call measuringAlone) run one at a
# time; the rest run beside them. Ends with the ten slowest files.
#
#   npm test                                  # the whole suite
#   npm test -- test/client/wire.test.ts      # some files
set -euo pipefail
cd "$(dirname "$0")/.."

node_modules/.bin/tsc --noEmit

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/arm64/*' | sort)
fi
measuring=() others=()
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "npm test: no such test file: $f" >&2; exit 2; }
  if grep -q '^await measuringAlone(' "$f"; then measuring+=("$f"); else others+=("$f"); fi
done
# Interleaved, with three files at a time: one measuring, the next measuring waiting its turn, and
# one other; so the measuring files run back to back and the others fill the gaps beside them.
order=()
for ((i = 0; i < ${#measuring[@]} || i < ${#others[@]}; i++)); do
  [ $i -lt ${#measuring[@]} ] && order+=("${measuring[$i]}")
  [ $i -lt ${#others[@]} ] && order+=("${others[$i]}")
done

exec node --import tsx --import ./test/helpers/harness.ts --test --test-concurrency=3 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/helpers/slowest-files.ts --test-reporter-destination=stdout \
  "${order[@]}"
