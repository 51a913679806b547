#!/usr/bin/env bash
# Install the reverse proxy of the cluster deployment (deploy/): Debian's `haproxy` package.
# Idempotent: does nothing when `haproxy` is already on PATH. Run as root (CI does).
#
#   bash scripts/install_haproxy.sh
#
# Only the binary is used: deploy/run.sh starts its own haproxy with its own configuration,
# as the user who runs it. The package also installs a system service (haproxy.service) with
# Debian's default configuration; it is stopped and disabled here so that nothing but the
# cluster's own proxy listens (policy-rc.d may already keep it from starting in containers).
set -euo pipefail

say() { echo "install_haproxy: $*" >&2; }

if command -v haproxy >/dev/null; then
    say "haproxy is installed: $(haproxy -v 2>/dev/null | head -n 1)"
    exit 0
fi
[[ "$(id -u)" == 0 ]] || { say "error: run as root (it installs the haproxy package)"; exit 1; }
say "installing Debian's haproxy"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends haproxy >&2
command -v haproxy >/dev/null || { say "error: haproxy still missing"; exit 1; }
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now haproxy.service >&2 || true
elif command -v service >/dev/null; then
    service haproxy stop >&2 || true
fi
say "installed: $(haproxy -v 2>/dev/null | head -n 1)"
