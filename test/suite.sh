#!/usr/bin/env bash
# `npm test`: the type check, then every test file under Node's own runner (TypeScript through
# tsx), with the harness in each file's process (test/helpers/harness.ts: a test owns what it
# starts, a file has a time limit). Files that run servers run beside each other and beside the
# unit files; the one that measures the machine's contention runs alone. Ends with the ten
# slowest files.
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
alone=() servers=() others=()
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "npm test: no such test file: $f" >&2; exit 2; }
  if grep -q '^await measuringAlone(' "$f"; then alone+=("$f")
  elif grep -q '^await runsServers(' "$f"; then servers+=("$f")
  else others+=("$f"); fi
done
# Longest first (the times of the last run, else the file's size), so the long files start early
# and the short ones fill in at the end.
longest_first() {
  node -e '
    const fs = require("fs");
    let times = {};
    try { times = JSON.parse(fs.readFileSync("node_modules/.cache/wsbench/test-times.json", "utf8")); } catch {}
    const files = process.argv.slice(1);
    const cost = (f) => times[f] ?? fs.statSync(f).size;
    console.log(files.sort((a, b) => cost(b) - cost(a)).join("\n"));
  ' "$@"
}
[ ${#servers[@]} -gt 0 ] && mapfile -t servers < <(longest_first "${servers[@]}")
[ ${#others[@]} -gt 0 ] && mapfile -t others < <(longest_first "${others[@]}")
# Four files at a time: the files running servers (they take turns through test/helpers/
# measuring.ts) interleaved with the unit files, which fill the gaps beside them; then the file
# that measures with the machine to itself, once everything else is done.
order=()
for ((i = 0; i < ${#servers[@]} || i < ${#others[@]}; i++)); do
  [ $i -lt ${#servers[@]} ] && order+=("${servers[$i]}")
  [ $i -lt ${#others[@]} ] && order+=("${others[$i]}")
done
order+=("${alone[@]}")

exec node --import tsx --import ./test/helpers/harness.ts --test --test-concurrency=4 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/helpers/slowest-files.mjs --test-reporter-destination=stdout \
  "${order[@]}"
