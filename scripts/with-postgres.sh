#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND...
# Starts a throwaway PostgreSQL cluster on loopback, runs COMMAND with
# DATABASE_URL pointing at it, then stops the cluster and deletes it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    scripts/ensure-package.sh pg_ctlcluster postgresql
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=${PGPORT:-55432}
workdir=$(mktemp -d /tmp/rehab-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = "0" ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    chown postgres "$workdir"
    as_owner=(runuser -u postgres --)
fi
"${as_owner[@]}" "$bin/initdb" -D "$workdir/data" -A trust -U rehab >/dev/null
cleanup() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT
"${as_owner[@]}" "$bin/pg_ctl" -D "$workdir/data" -w -l "$workdir/server.log" \
    -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$bin/createdb" -h 127.0.0.1 -p "$port" -U rehab rehab
export DATABASE_URL="postgres://rehab@127.0.0.1:$port/rehab"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $DATABASE_URL"
"$@"
