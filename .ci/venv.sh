# Sourced by .ci/test and .ci/roleui: make sure .venv exists and holds roleui with its test extras.
# Re-installs only when pyproject.toml changed since the last install (a stamp file remembers).
set -eu
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
stamp="$venv/.roleui-installed"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
    echo "roleui: installing into $venv (first run takes a minute)..." >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root[test]" >&2
    touch "$stamp"
fi
export PATH="$venv/bin:$PATH"
