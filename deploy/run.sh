#!/usr/bin/env bash
# The whole cluster on one machine: HAProxy on 127.0.0.1:8501 in front of N Streamlit
# processes of the app, drafts in PostgreSQL. See deploy/README.md.
#
#   deploy/run.sh [N]          start (N app processes, default 2), stay in the foreground;
#                              Ctrl-C stops everything
#   deploy/run.sh start [N]    start and return once every part answers
#   deploy/run.sh stop         stop it all
#   deploy/run.sh restart      rolling restart of the app processes, one after the other
#   deploy/run.sh status
#
# On a fresh Debian machine, as root: creates .venv (make), installs haproxy
# (scripts/install_haproxy.sh) and, unless COMPLIANCE_DB_URL names a database, PostgreSQL
# (scripts/start_postgres.sh). Settings: CLUSTER_PORT, CLUSTER_APP_PORT, CLUSTER_STATE_DIR,
# COMPLIANCE_DB_URL (deploy/cluster.py says what each does).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cmd="${1:-run}"

if [[ "$cmd" =~ ^(run|start|[0-9]+)$ ]]; then
    [[ -n "${CLUSTER_PYTHON:-}" || -f "$root/.venv/.installed" ]] \
        || make -C "$root" --no-print-directory .venv/.installed
    command -v "${CLUSTER_HAPROXY:-haproxy}" >/dev/null || bash "$root/scripts/install_haproxy.sh"
fi
exec "${CLUSTER_PYTHON:-$root/.venv/bin/python}" "$root/deploy/cluster.py" "$@"
