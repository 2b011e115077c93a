"""A cold assume is one round trip: who the base credentials are is asked once per base credentials, remembered
without secrets, and asked again when they change; one STS client serves every call with the same credentials,
and boto3 (with its S3 transfer machinery) is never imported."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from typing import Any

import pytest
from _engine_helpers import BASE_USER, PYTHON, ROOT, StsProxy, iam_user, roleui, write_catalog

from roleui.aws.engine import AssumeOptions, Engine
from roleui.core.models import Account, Catalog, Defaults, Role
from roleui.core.sessions.credcache import CredentialCache

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

DATA = Account(id="222222222222", name="shared-data")
ROLE = Role(account=DATA, name="Reader")
CATALOG = Catalog(defaults=Defaults(region="eu-west-1"), accounts=(DATA,), roles=(ROLE,))
ANEW = AssumeOptions(use_cache=False)


def actions(sts: StsProxy, since: int = 0) -> list[str]:
    return [call.action for call in sts.calls[since:]]


def test_a_cold_assume_after_the_first_is_one_round_trip_in_a_new_process(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    first = roleui("env", "tooling/JumpRole", "--no-cache")
    assert first.returncode == 0, first.stderr
    assert actions(sts) == ["GetCallerIdentity", "AssumeRole"]
    again = roleui("env", "tooling/JumpRole", "--no-cache")
    assert again.returncode == 0, again.stderr
    assert actions(sts, 2) == ["AssumeRole"]
    assert sts.calls[2].get("RoleSessionName") == BASE_USER  # `{user}` still names the person
    assert sts.calls[2].access_key == user[0]


def test_new_base_keys_are_identified_again_and_name_the_new_person(
    sts: StsProxy, user: tuple[str, str], aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    Engine(CATALOG).assume(ROLE, ANEW)
    key_id, secret = iam_user(aws, "ana.ops")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    session = Engine(CATALOG).assume(ROLE, ANEW)
    assert actions(sts) == ["GetCallerIdentity", "AssumeRole", "GetCallerIdentity", "AssumeRole"]
    assert session.session_name == "ana.ops"
    assert Engine(CATALOG).assume(ROLE, ANEW).session_name == "ana.ops"
    assert actions(sts, 4) == ["AssumeRole"]


def test_an_edited_source_profile_is_identified_again(sts: StsProxy, user: tuple[str, str], aws: str) -> None:
    role = Role(account=DATA, name="Reader", source_profile="tooling")
    catalog = Catalog(defaults=Defaults(region="eu-west-1"), accounts=(DATA,), roles=(role,))
    credentials = os.environ["AWS_SHARED_CREDENTIALS_FILE"]
    os.makedirs(os.path.dirname(credentials), exist_ok=True)

    def profile(key: tuple[str, str]) -> None:
        with open(credentials, "w", encoding="utf-8") as out:
            out.write(f"[tooling]\naws_access_key_id = {key[0]}\naws_secret_access_key = {key[1]}\n")

    profile(user)
    Engine(catalog).assume(role, ANEW)
    Engine(catalog).assume(role, ANEW)
    assert actions(sts) == ["GetCallerIdentity", "AssumeRole", "AssumeRole"]
    profile(iam_user(aws, "ana.ops"))
    assert Engine(catalog).assume(role, ANEW).session_name == "ana.ops"
    assert actions(sts, 3) == ["GetCallerIdentity", "AssumeRole"]


def test_the_remembered_identity_holds_no_secret_and_only_its_owner_reads_it(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    session = Engine(CATALOG).assume(ROLE, ANEW)
    (path,) = CredentialCache().directory.glob("identity-*.json")
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["arn"] == f"arn:aws:iam::123456789012:user/{BASE_USER}"
    for secret in (user[0], user[1], session.credentials.secret_access_key, str(session.credentials.session_token)):
        assert secret not in text
        assert secret not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_forget_all_forgets_the_remembered_identities_too(sts: StsProxy, user: tuple[str, str]) -> None:
    engine = Engine(CATALOG)
    engine.assume(ROLE, ANEW)
    engine.forget_all()
    assert list(CredentialCache().directory.glob("identity-*")) == []
    Engine(CATALOG).assume(ROLE, ANEW)
    assert actions(sts, 2) == ["GetCallerIdentity", "AssumeRole"]


def test_one_sts_client_serves_the_identity_and_the_assume_and_every_later_assume(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    made: list[Any] = []
    engine = Engine(CATALOG, client_hook=made.append)
    engine.assume(ROLE, ANEW)
    engine.assume(ROLE, ANEW)
    engine.base_identity()
    assert actions(sts) == ["GetCallerIdentity", "AssumeRole", "AssumeRole", "GetCallerIdentity"]
    assert len(made) == 1


def _cold_env_with_import_times() -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`roleui env tooling/JumpRole --no-cache` under `-X importtime`: its result and the modules it imported."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "roleui", "env", "tooling/JumpRole", "--no-cache"],
        env=dict(os.environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, modules


def test_a_cold_assume_imports_botocore_but_not_boto3(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done, modules = _cold_env_with_import_times()
    assert "botocore.client" in modules
    assert sorted(modules & {"boto3", "s3transfer"}) == []
    assert "export AWS_SESSION_TOKEN=" in done.stdout


def test_a_cold_assume_after_the_first_takes_the_world_from_its_cache_and_parses_no_toml(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog()
    assert roleui("env", "tooling/JumpRole", "--no-cache").returncode == 0  # merges, and leaves the world cache
    done, modules = _cold_env_with_import_times()
    assert "export AWS_SESSION_TOKEN=" in done.stdout
    assert "roleui.core.world.world_cache" in modules
    parsing = {"tomllib", "roleui.core.catalog.parse", "roleui.core.sources.merge", "difflib"}
    assert sorted(modules & parsing) == []


def test_clients_load_the_models_botocore_would_without_walking_its_data_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import botocore.loaders
    import botocore.session

    from roleui.aws.clients import base_session, make_client

    listed: list[str] = []
    real_listdir = os.listdir

    def listdir(path: str) -> list[str]:
        listed.append(os.path.normpath(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)  # botocore.loaders calls os.listdir
    session = base_session()
    models = {
        service: make_client(session, service, "eu-west-1").meta.service_model for service in ("sts", "organizations")
    }
    data = os.path.join(os.path.dirname(botocore.loaders.__file__), "data")
    assert data not in listed  # only the named services' directories were read
    assert listed
    for service, model in models.items():
        reference = botocore.session.Session().get_service_model(service)
        assert (model.api_version, model.operation_names) == (reference.api_version, reference.operation_names)
    assert data in listed  # botocore's own session walks it: the spy sees walks


def test_a_service_roleui_does_not_name_is_refused_by_name() -> None:
    from botocore.exceptions import UnknownServiceError

    from roleui.aws.clients import base_session, make_client

    with pytest.raises(UnknownServiceError, match="'iam'"):
        make_client(base_session(), "iam", "eu-west-1")


def test_a_cold_assume_exits_with_its_heap_frozen_so_the_interpreter_does_not_collect_it(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    # Interpreter shutdown runs full collections over what botocore loaded (~40 ms each); frozen, they walk nothing.
    # The atexit handler runs after the command and before the interpreter tears down: it sees what shutdown sees.
    write_catalog()
    probe = (
        "import atexit, gc, sys; "
        "atexit.register(lambda: print('frozen objects:', gc.get_freeze_count(), file=sys.stderr)); "
        "sys.argv = ['roleui', 'env', 'tooling/JumpRole', '--no-cache']; "
        "from roleui.launcher import entrypoint; entrypoint()"
    )
    done = subprocess.run(
        [PYTHON, "-c", probe], env=dict(os.environ), cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "export AWS_SESSION_TOKEN=" in done.stdout  # everything was written out before the freeze
    frozen = int(done.stderr.rpartition("frozen objects:")[2])
    assert frozen > 10_000


def _collector_after(*argv: str) -> tuple[subprocess.CompletedProcess[str], int, bool]:
    """The console script run on argv: its result, the collections it ran, whether the collector was on at exit."""
    probe = (
        "import atexit, gc, sys; passes = []; "
        "from roleui.launcher import entrypoint; "
        "gc.callbacks.append(lambda phase, info: passes.append(phase)); "
        "atexit.register(lambda: print('collector:', passes.count('start'), gc.isenabled(), file=sys.stderr)); "
        f"sys.argv = ['roleui', *{list(argv)!r}]; "
        "entrypoint()"
    )
    done = subprocess.run(
        [PYTHON, "-c", probe], env=dict(os.environ), cwd=ROOT, capture_output=True, text=True, check=False
    )
    passes, enabled = done.stderr.rpartition("collector:")[2].split()
    return done, int(passes), enabled == "True"


def test_a_cold_assume_runs_without_the_collector_and_every_other_command_keeps_it(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    # ~80 collections over what importing botocore allocates found nothing worth ~15 ms of the command.
    done, passes, enabled = _collector_after("--config", os.fspath(write_catalog()), "env", "tooling/JumpRole")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "export AWS_SESSION_TOKEN=" in done.stdout
    assert (passes, enabled) == (0, False)
    done, passes, enabled = _collector_after("sessions")  # a command that is not listed
    assert done.returncode == 0, done.stderr[-2000:]
    assert enabled


def test_only_the_commands_that_assume_print_and_exit_are_named_to_run_without_the_collector() -> None:
    from roleui.launcher import UNCOLLECTED, _command

    assert sorted(UNCOLLECTED) == ["credential-process", "env"]  # never the UI, exec, shell or the endpoint
    assert _command(["--config", "env", "list", "--json"]) == "list"  # --config's value is not the command
    assert _command(["env", "tooling/JumpRole", "--no-cache"]) == "env"
    assert _command(["--print-env"]) is None  # the UI
    assert _command([]) is None
