# Sourced by scripts/run and scripts/test: makes .venv (Python 3.11+) and installs
# the project into it, again only when setup.cfg changed or extras differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
    for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

setup_venv() {  # $1: pip extras, e.g. "dev" or ""
    local extras=${1:-}
    if [ ! -x .venv/bin/python ]; then
        echo "creating .venv" >&2
        "$(find_python)" -m venv .venv
        .venv/bin/python -m pip install -q --upgrade pip
    fi
    local stamp=".venv/.erp-installed-${extras:-base}"
    local digest
    digest=$(cat setup.cfg pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
        echo "installing the project into .venv${extras:+ (with $extras)}" >&2
        .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
        echo "$digest" > "$stamp"
    fi
}

ensure_chromium() {  # the browser tests drive Debian's Chromium through Playwright
    [ -x /usr/bin/chromium ] && return 0
    echo "installing Debian's chromium for the browser tests" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; }; then
        echo "error: the browser tests need /usr/bin/chromium (apt-get install chromium)" >&2
        return 1
    fi
}
