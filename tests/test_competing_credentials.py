"""The role you chose wins in every setup users really have: the real aws CLI, boto3 and the JavaScript SDK v3,
run inside `exec` (credential endpoint), `exec --static` and `eval "$(roleui env ...)"`, all name the role.

Each setup (tests/_aws_setups.py) puts a competing identity where users keep one: the default profile's keys,
a credential_process, web identity, AWS_PROFILE, an outer aws-vault or granted session... One child program per
(setup, mode) asks the three clients at once; the user's files are byte-identical afterwards and no overlay is
left behind. `roleui shell`, driven in a pty, keeps the role after the user's rc files (bash, zsh, fish) and
after an export typed in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _aws_setups import SETUPS, People, arns, build, js_missing, probe_script, snapshot
from _e2e_helpers import running
from _engine_helpers import AWS_CLI, ROLEUI, ROOT, StsProxy, iam_user, write_catalog

pytest_plugins = ("_engine_fixtures",)

ROLE = "shared-data/CrossAccountS3ReadOnly"
ROLE_ARN = "arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/"
OTHER_ARN = "arn:aws:iam::123456789012:user/other.person"
MODES = ("exec", "exec-static", "env")


@pytest.fixture
def people(sts: StsProxy, aws: str) -> People:
    return People(base=iam_user(aws, "deepak.dev"), other=iam_user(aws, "other.person"))


def parent_env(home: Path, tmp: Path, sts: StsProxy, setup: dict[str, str]) -> dict[str, str]:
    """The user's shell: the test's environment without the fixture's keys, plus the setup's variables."""
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    env.update({"TMPDIR": str(tmp), "AWS_ENDPOINT_URL": sts.url, "AWS_ENDPOINT_URL_STS": sts.url, **setup})
    return env


def run_mode(mode: str, probe: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    roleui = " ".join(ROLEUI)
    if mode == "exec":
        argv = [*ROLEUI, "exec", ROLE, "--", *probe]
    elif mode == "exec-static":
        argv = [*ROLEUI, "exec", "--static", ROLE, "--", *probe]
    else:
        argv = ["sh", "-c", f'eval "$({roleui} env {ROLE})" && exec "$@"', "sh", *probe]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=str(ROOT), check=False)


def overlays_left(tmp: Path) -> list[str]:
    return [p.name for p in tmp.iterdir() if p.name.startswith("roleui-aws-")]


@pytest.fixture
def js_sdk() -> None:
    missing = js_missing()
    if missing:
        pytest.skip(f"the JavaScript SDK v3 leg cannot run: {missing}")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("setup", SETUPS)
def test_every_client_in_the_child_runs_as_the_chosen_role(
    setup: str, mode: str, people: People, sts: StsProxy, isolated_env: Path, tmp_path: Path, js_sdk: None
) -> None:
    write_catalog()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = parent_env(isolated_env, tmp, sts, build(setup, isolated_env, people))
    before = snapshot(isolated_env)
    done = run_mode(mode, [str(probe_script(tmp_path))], env)
    assert done.returncode == 0, done.stderr
    got = arns(done.stdout)
    told = got.pop("identity")
    assert set(got) == {"cli", "boto3", "js"}, done.stdout
    # What roleui checked once, locally, and gave the child (`roleui status` shows it): the role, as the SDKs say.
    assert told == ("" if mode == "env" else got["cli"])
    wrong = {client: arn for client, arn in got.items() if not arn.startswith(ROLE_ARN)}
    assert not wrong, f"{setup}/{mode}: {wrong}\n{done.stderr}"
    assert "warning" not in done.stderr
    assert snapshot(isolated_env) == before
    assert overlays_left(tmp) == []


def test_other_named_profiles_still_work_inside_the_session(
    people: People, sts: StsProxy, isolated_env: Path, tmp_path: Path
) -> None:
    write_catalog()
    env = parent_env(isolated_env, tmp_path, sts, build("keys-in-credentials-default", isolated_env, people))
    # A profile that assumes a role from the default profile's keys keeps working too.
    with (isolated_env / ".aws" / "config").open("a", encoding="utf-8") as config:
        config.write("\n[profile jump]\nrole_arn = arn:aws:iam::111111111111:role/JumpRole\nsource_profile = default\n")
    before = snapshot(isolated_env)
    query = "--query Arn --output text"
    script = f"{AWS_CLI} sts get-caller-identity --profile other {query}; {AWS_CLI} sts get-caller-identity --profile jump {query}"
    done = subprocess.run(
        [*ROLEUI, "exec", ROLE, "--", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [OTHER_ARN, done.stdout.split()[1]]
    assert done.stdout.split()[1].startswith("arn:aws:sts::111111111111:assumed-role/JumpRole/")
    assert snapshot(isolated_env) == before
    assert overlays_left(tmp_path) == []


def test_an_unreadable_aws_file_is_named_on_the_terminal_before_the_child_starts(
    people: People, sts: StsProxy, isolated_env: Path, tmp_path: Path
) -> None:
    write_catalog()
    env = parent_env(isolated_env, tmp_path, sts, build("keys-in-credentials-default", isolated_env, people))
    # roleui starts from the environment's keys; the child's credentials file is a directory it cannot read.
    env.update({"AWS_ACCESS_KEY_ID": people.base[0], "AWS_SECRET_ACCESS_KEY": people.base[1]})
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(isolated_env)
    done = subprocess.run(
        [*ROLEUI, "exec", ROLE, "--", "sh", "-c", "echo started; echo $ROLEUI_IDENTITY"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stderr.splitlines() if "warning" in line]
    assert line.startswith("roleui: warning: ")
    assert "cannot be read" in line
    assert ROLE in line
    assert done.stdout.splitlines()[1].startswith("not the role: ")


# The user's rc files set a profile and keys of their own (very common), as a prompt hook (direnv) may later.
RC_EXPORTS = {
    "bash": ".bashrc",
    "zsh": ".zshrc",
    "fish": ".config/fish/config.fish",
}


def _rc_text(shell: str, people: People) -> str:
    pairs = {"AWS_PROFILE": "other", "AWS_DEFAULT_PROFILE": "other", "AWS_ACCESS_KEY_ID": people.other[0]}
    if shell == "fish":
        return "".join(f"set -gx {k} {v}\n" for k, v in pairs.items())
    return "".join(f"export {k}={v}\n" for k, v in pairs.items())


@pytest.mark.parametrize("static", [False, True], ids=["endpoint", "static"])
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_shell_keeps_the_role_after_rc_files_and_exports_in_it(
    shell: str, static: bool, people: People, sts: StsProxy, isolated_env: Path, tmp_path: Path, js_sdk: None
) -> None:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed (.ci/test installs zsh and fish)")
    write_catalog()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = parent_env(isolated_env, tmp, sts, build("keys-in-credentials-default", isolated_env, people))
    rc = isolated_env / RC_EXPORTS[shell]
    rc.parent.mkdir(parents=True, exist_ok=True)
    rc.write_text(_rc_text(shell, people), encoding="utf-8")
    before = snapshot(isolated_env)
    probe = probe_script(tmp_path)
    out = tmp_path / "probe.out"
    env.update({"SHELL": path, "TERM": "xterm-256color", "PS1": "$ "})
    with running([*ROLEUI, "shell", *(["--static"] if static else []), ROLE], env, cwd=ROOT) as terminal:
        terminal.wait_for("(roleui shared-data/CrossAccountS3ReadOnly)")
        assert "undid AWS_ACCESS_KEY_ID AWS_PROFILE AWS_DEFAULT_PROFILE" in terminal.screen_text()
        terminal.type(f"{probe} > {out}; echo probe''-done\r")
        terminal.wait_for("probe-done")
        first = arns(out.read_text())
        assert first.pop("identity").startswith(ROLE_ARN)
        # An export typed in the session (or a prompt hook's) is undone before the next prompt, and said so.
        terminal.type("export AWS_PROFILE=other\r" if shell != "fish" else "set -gx AWS_PROFILE other\r")
        terminal.wait_for(": undid AWS_PROFILE set in this shell")
        terminal.type(f"{probe} > {out}; echo probe''-again\r")
        terminal.wait_for("probe-again")
        second = arns(out.read_text())
        second.pop("identity")
        terminal.type("exit\r")
        assert terminal.wait_for_exit() == 0
    for got in (first, second):
        assert set(got) == {"cli", "boto3", "js"}
        assert all(arn.startswith(ROLE_ARN) for arn in got.values()), got
    assert snapshot(isolated_env) == before
    assert overlays_left(tmp) == []


@pytest.mark.parametrize("inner", ["exec", "exec-static"])
def test_a_nested_session_runs_as_the_inner_role(
    inner: str, people: People, sts: StsProxy, isolated_env: Path, tmp_path: Path, js_sdk: None
) -> None:
    write_catalog()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = parent_env(isolated_env, tmp, sts, build("keys-in-credentials-default", isolated_env, people))
    before = snapshot(isolated_env)
    nested = [*ROLEUI, "exec", "--nest", *(["--static"] if inner == "exec-static" else []), ROLE, "--"]
    done = subprocess.run(
        [*ROLEUI, "exec", "tooling/JumpRole", "--", *nested, str(probe_script(tmp_path))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(ROOT),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got = arns(done.stdout)
    assert got.pop("identity").startswith(ROLE_ARN)
    assert set(got) == {"cli", "boto3", "js"}
    assert all(arn.startswith(ROLE_ARN) for arn in got.values()), got
    # The inner role was assumed with the outer session's credentials (role chaining), not the base user's.
    assert len(sts.actions("AssumeRole")) == 2
    assert snapshot(isolated_env) == before
    assert overlays_left(tmp) == []
