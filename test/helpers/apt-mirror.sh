#!/usr/bin/env bash
# Prints the Debian archive this machine's apt uses: the URI of the first "deb" source whose
# suites hold this machine's own release (VERSION_CODENAME of os-release), from sources.list and
# sources.list.d, in one-line or deb822 form. Exits 1, printing nothing, when there is none (a
# machine that is not Debian). WSBENCH_APT_ETC stands in for /etc (the tests).
set -uo pipefail
etc="${WSBENCH_APT_ETC:-/etc}"
codename=$(. "$etc/os-release" 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || exit 1
shopt -s nullglob
for f in "$etc/apt/sources.list" "$etc/apt/sources.list.d/"*.list; do
  [ -f "$f" ] || continue
  while read -r line; do
    # deb [options] URI SUITE COMPONENTS...
    read -r type uri suite _ <<<"$(sed -E 's/\[[^]]*\]//' <<<"$line")"
    [ "$type" = deb ] && [ "$suite" = "$codename" ] && { echo "$uri"; exit 0; }
  done <"$f"
done
for f in "$etc/apt/sources.list.d/"*.sources; do
  # Stanzas are separated by blank lines: the first of type deb with our suite gives its URIs.
  found=$(awk -v want="$codename" '
    function judge() { if (deb && hit && uri != "" && !done) { print uri; done = 1 } deb = hit = 0; uri = "" }
    /^[[:space:]]*$/ { judge(); next }
    /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want) hit = 1 }
    END { judge() }' "$f")
  [ -n "$found" ] && { echo "$found"; exit 0; }
done
exit 1
