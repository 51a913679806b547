#!/usr/bin/env bash
# Install the browser of the end-to-end tests (tests/e2e): Debian's `chromium` package.
# Idempotent: does nothing when /usr/bin/chromium is already there. Run as root (CI does).
#
#   bash scripts/install_browser.sh
#
# No browser is downloaded by Playwright (`playwright install` is never run): the tests drive
# /usr/bin/chromium through the `playwright` Python package (a `test` extra in pyproject.toml,
# installed by `make test`).
set -euo pipefail

say() { echo "install_browser: $*" >&2; }

if [[ -x /usr/bin/chromium ]]; then
    say "/usr/bin/chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
    exit 0
fi
[[ "$(id -u)" == 0 ]] || { say "error: run as root (it installs the chromium package)"; exit 1; }
say "installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium >&2
[[ -x /usr/bin/chromium ]] || { say "error: /usr/bin/chromium still missing"; exit 1; }
say "installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
