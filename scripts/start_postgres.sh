#!/usr/bin/env bash
# Start a PostgreSQL server for the storage tests (CI, Debian, run as root). Idempotent.
#
#   export COMPLIANCE_TEST_PG_URL="$(bash scripts/start_postgres.sh)"
#
# Installs the `postgresql` package if it is missing, makes sure the newest installed major
# version has a cluster `main` that listens on 127.0.0.1 only, starts it, creates a role and a
# database (owner: that role), and prints the SQLAlchemy URL -- the only thing on stdout;
# progress goes to stderr. Running it again changes nothing and prints the same URL.
#
# Settings (environment): PG_USER (compliance), PG_PASSWORD (compliance),
# PG_DATABASE (compliance_test), PG_CLUSTER (main), PG_PORT (port of an existing cluster, else
# 5432). These are throwaway test credentials on a loopback-only server.
set -euo pipefail

PG_USER="${PG_USER:-compliance}"
PG_PASSWORD="${PG_PASSWORD:-compliance}"
PG_DATABASE="${PG_DATABASE:-compliance_test}"
PG_CLUSTER="${PG_CLUSTER:-main}"

say() { echo "start_postgres: $*" >&2; }
die() { say "error: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "run as root (it installs packages and runs pg_ctlcluster)"
for name in "$PG_USER" "$PG_DATABASE" "$PG_CLUSTER"; do
    [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "invalid name: $name"
done
[[ "$PG_PASSWORD" =~ ^[A-Za-z0-9_.-]+$ ]] || die "PG_PASSWORD: letters, digits, _ . - only"

newest_version() {
    ls -1 /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n 1
}

version="$(newest_version || true)"
if [[ -z "$version" || ! -x "/usr/lib/postgresql/$version/bin/postgres" ]] \
    || ! command -v pg_ctlcluster >/dev/null; then
    say "installing postgresql (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    version="$(newest_version)"
fi
[[ -n "$version" ]] || die "no PostgreSQL server found after installing"
say "PostgreSQL $version"

cluster_field() {  # $1: column of pg_lsclusters (3 port, 4 status)
    pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$PG_CLUSTER" -v f="$1" \
        '$1 == v && $2 == c { print $f }'
}

if [[ -z "$(cluster_field 3)" ]]; then
    say "creating cluster $version/$PG_CLUSTER"
    pg_createcluster "$version" "$PG_CLUSTER" --port="${PG_PORT:-5432}" >&2
fi
port="$(cluster_field 3)"

# Loopback only (a conf.d file, read after postgresql.conf). Restart if that changed it.
confd="/etc/postgresql/$version/$PG_CLUSTER/conf.d"
conf="$confd/90-compliance-ci.conf"
want="listen_addresses = '127.0.0.1'"
if [[ "$(cat "$conf" 2>/dev/null || true)" != "$want" ]]; then
    say "setting $want in $conf"
    mkdir -p "$confd"
    printf '%s\n' "$want" >"$conf"
    if [[ "$(cluster_field 4)" == online ]]; then
        pg_ctlcluster "$version" "$PG_CLUSTER" restart >&2
    fi
fi

if [[ "$(cluster_field 4)" != online ]]; then
    say "starting cluster $version/$PG_CLUSTER on 127.0.0.1:$port"
    pg_ctlcluster "$version" "$PG_CLUSTER" start >&2
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || die "the server does not answer on 127.0.0.1:$port"

psql_admin() {
    runuser -u postgres -- psql -X -q -p "$port" -v ON_ERROR_STOP=1 -tA "$@"
}

if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]]; then
    say "creating role $PG_USER"
    psql_admin -c "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
else
    psql_admin -c "ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
fi
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
    say "creating database $PG_DATABASE"
    psql_admin -c "CREATE DATABASE $PG_DATABASE OWNER $PG_USER"
fi

# Check the URL really works with a password over TCP before printing it.
PGPASSWORD="$PG_PASSWORD" psql -X -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d "$PG_DATABASE" \
    -tA -c "SELECT 1" >/dev/null || die "cannot log in as $PG_USER over 127.0.0.1:$port"

say "ready"
echo "postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DATABASE"
