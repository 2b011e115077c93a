# Sourced by .ci/test and .ci/roleui: make sure .venv exists and holds roleui with the extras its caller needs.
# `roleui_extras` (a shell variable set before sourcing) names them: `test` (the default: the tests and the tools,
# the demo's packages included) or `demo` (what `roleui demo` needs and nothing more; .ci/roleui sets it, so a fresh
# clone's demo does not wait for mypy, ruff, hypothesis and the type stubs). Installs with uv when it can (on PATH,
# or fetched from PyPI into .venv/uv by the system's pip: it installs these packages several times faster than
# pip), with pip (ensurepip'd into the venv) where uv cannot be had or fails. Re-installs only when pyproject.toml
# changed since the last install of those extras (a stamp file remembers; the tests' install holds the demo's too).
set -eu
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
extras="${roleui_extras:-test}"
stamp_of() { if [ "$1" = test ]; then echo "$venv/.roleui-installed"; else echo "$venv/.roleui-installed-$1"; fi; }
fresh() { [ -f "$1" ] && [ ! "$root/pyproject.toml" -nt "$1" ]; }
stamp=$(stamp_of "$extras")
if ! fresh "$stamp" && ! { [ "$extras" = demo ] && fresh "$(stamp_of test)"; }; then
    if [ "$extras" = demo ]; then took="about half a minute with uv, a minute with pip"; else took="one to three minutes"; fi
    echo "roleui: installing roleui[$extras] into $venv (the first run takes $took)..." >&2
    uv=$(command -v uv || true)
    if [ ! -x "$venv/bin/python" ]; then
        # Without pip first (ensurepip takes seconds): uv does not need it, and it is added below if uv fails.
        python3 -m venv --without-pip "$venv"
    fi
    if [ -z "$uv" ] && python3 -m pip install --quiet --disable-pip-version-check --target "$venv/uv" uv \
        >/dev/null 2>&1; then
        uv="$venv/uv/bin/uv"
    fi
    # The test suite's four workers and the programs it starts would each compile the same modules on first import
    # (uv does not compile at install, pip does): compiled once here, in parallel. The demo starts sooner without.
    compile=()
    if [ "$extras" != demo ]; then compile=(--compile-bytecode); fi
    if [ -z "$uv" ] || ! "$uv" pip install --quiet "${compile[@]}" --python "$venv/bin/python" -e "$root[$extras]" >&2; then
        "$venv/bin/python" -m pip --version >/dev/null 2>&1 || "$venv/bin/python" -m ensurepip --upgrade >&2
        pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
        "${pip[@]}" --upgrade pip >&2
        "${pip[@]}" -e "$root[$extras]" >&2
    fi
    touch "$stamp"
fi
export PATH="$venv/bin:$PATH"
