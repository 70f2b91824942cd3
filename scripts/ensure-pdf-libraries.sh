#!/usr/bin/env bash
# Makes sure WeasyPrint (the program's handout as a PDF) finds what it loads from the
# system: Debian's pango and harfbuzz libraries, which have no command to probe for, and a
# font with Cyrillic letters (DejaVu Sans, which the handout's CSS names). Installs Debian's
# packages when we are root, as scripts/ensure-package.sh does for commands.
set -euo pipefail
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)

# Each shared library WeasyPrint opens, and the Debian package that ships it.
declare -A libraries=(
    [libpango-1.0.so.0]=libpango-1.0-0
    [libpangoft2-1.0.so.0]=libpangoft2-1.0-0
    [libharfbuzz-subset.so.0]=libharfbuzz-subset0
)

# The linker's cache, read whole before it is searched: `ldconfig -p | grep -q` fails under
# pipefail whenever grep stops reading at its match before ldconfig has written everything
# (ldconfig dies of SIGPIPE), so a library that is there was sometimes reported missing.
known() { grep -qF "$1 " <<<"$("$ldconfig" -p)"; }

missing=()
for soname in "${!libraries[@]}"; do
    if ! known "$soname"; then
        missing+=("${libraries[$soname]}")
    fi
done
[ -f "$font" ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: the handout's PDF needs Debian's packages: ${missing[*]}" >&2
    echo "       (sudo apt-get install ${missing[*]}) and run this again." >&2
    exit 1
fi
echo "Installing ${missing[*]} from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: refresh once.
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for soname in "${!libraries[@]}"; do
    known "$soname" || {
        echo "error: installed ${missing[*]} but $soname is still not found." >&2
        exit 1
    }
done
[ -f "$font" ] || { echo "error: installed ${missing[*]} but $font is missing." >&2; exit 1; }
