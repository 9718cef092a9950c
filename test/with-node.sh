#!/usr/bin/env bash
# Runs a command under another major version of Node.js, taken from the npm registry's
# node-linux-<arch> package (no other network needed), with better-sqlite3 built for it:
#
#   bash test/with-node.sh 22 npm test
#
# The Node is kept in ~/.cache/wsbench/node, and better-sqlite3's binary for each Node ABI beside
# it, so a second run neither downloads nor compiles. The project's own better-sqlite3 binary is
# put back when the command ends, so `npm test` under the machine's Node keeps working.
set -euo pipefail
cd "$(dirname "$0")/.."

major="${1:?usage: with-node.sh MAJOR COMMAND...   e.g. with-node.sh 22 npm test}"
shift
[ $# -gt 0 ] || { echo "with-node.sh: no command given (e.g. npm test)" >&2; exit 2; }
[[ "$major" =~ ^[0-9]+$ ]] || { echo "with-node.sh: MAJOR must be a number like 22, not \"$major\"" >&2; exit 2; }
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "with-node.sh: no node-linux package for $(uname -m)" >&2; exit 2 ;; esac

dir="$HOME/.cache/wsbench/node/node-linux-$arch-$major"
[ -f "$dir/.complete" ] && [ -d "$dir/include/node" ] || echo "with-node.sh: fetching node-linux-$arch@$major from the npm registry into $dir" >&2
node_bin=$(bash runners/process/fetch-node.sh "$arch" "$major" "$dir" | tail -n1)
abi=$("$node_bin" -p process.versions.modules)
echo "with-node.sh: $("$node_bin" -v) (ABI $abi) from $dir" >&2

# better-sqlite3's native binary is built per Node ABI; keep one per ABI and swap it in.
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
[ -f "$addon" ] || { echo "with-node.sh: $addon is missing: run npm install (or npm ci) first" >&2; exit 2; }
bsv=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
cached="$dir/better_sqlite3-$bsv.node"
# Swapped by rename, never written in place: a process that has the binary loaded (a test run
# under the machine's Node) keeps its copy instead of crashing on the new bytes.
swap_in() { cp "$1" "$addon.$$.tmp" && mv -f "$addon.$$.tmp" "$addon"; }
saved=$(mktemp)
cp "$addon" "$saved"
trap 'swap_in "$saved"; rm -f "$saved"' EXIT
if [ -f "$cached" ]; then
  swap_in "$cached"
else
  echo "with-node.sh: building better-sqlite3 $bsv for Node $major (about a minute)" >&2
  # npm_config_nodedir: the headers of this Node, not of the machine's (this machine's npm config
  # points nodedir at /usr, which holds Node 20's).
  if ! PATH="$dir/bin:$PATH" npm_config_nodedir="$dir" npm rebuild better-sqlite3 --foreground-scripts >"$dir/better-sqlite3-build.log" 2>&1; then
    tail -n 20 "$dir/better-sqlite3-build.log" >&2
    echo "with-node.sh: building better-sqlite3 for Node $major failed (log: $dir/better-sqlite3-build.log)" >&2
    exit 1
  fi
  cp "$addon" "$cached"
fi

PATH="$dir/bin:$PATH" npm_config_nodedir="$dir" "$@"
