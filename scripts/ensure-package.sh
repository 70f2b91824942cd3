#!/usr/bin/env bash
# Usage: scripts/ensure-package.sh COMMAND DEBIAN_PACKAGE
# Makes sure COMMAND is on PATH, installing Debian's package when we are root.
set -euo pipefail
command_name=$1
package=$2
if command -v "$command_name" >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: '$command_name' is not installed. Install the Debian package '$package'" >&2
    echo "       (sudo apt-get install $package) and run this again." >&2
    exit 1
fi
echo "Installing $package from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: refresh once.
if ! apt-get install -y --no-install-recommends "$package" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$package"
fi
command -v "$command_name" >/dev/null 2>&1 || {
    echo "error: installed $package but '$command_name' is still not on PATH." >&2
    exit 1
}
