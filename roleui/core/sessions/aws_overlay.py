"""A child's AWS view, made so that it resolves to the role session: a private overlay of the user's AWS files.

A child served by a credential endpoint finds it near the end of the SDKs' chains; the default profile of the
user's ~/.aws/credentials or ~/.aws/config (keys, credential_process, role_arn, sso_*...) comes first. For such a
child roleui writes the files without those keys (roleui/core/sessions/aws_view.py `strip_default`) into a
fresh private directory (mkdtemp: 0700, random name), points AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at
them, and removes the directory when the child has ended. Only a file that needs it is overlaid; nothing of the
user's is written. Other profiles, regions and settings read as before; `aws configure` inside the session writes
to the overlay and is lost when it ends (the README says so).

A child with static keys needs no overlay: keys in the environment come first in every SDK's chain.

Then the view is checked once, locally (`aws_view.resolve`: botocore's precedence over the child's environment
and the files it points to): `ChildView.identity` is the assumed-role ARN when the role wins, else `warning` is one
line that names what wins instead. The child gets the answer as ROLEUI_IDENTITY (`roleui status` shows it).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from roleui.core.private_files import MAX_SMALL_BYTES, read_limited, write_private
from roleui.core.sessions.aws_view import Source, resolve, sources_default, strip_default
from roleui.core.sessions.session import Session

IDENTITY_VARIABLE = "ROLEUI_IDENTITY"  # the assumed-role ARN, or `not the role: <what wins>`
NOT_THE_ROLE = "not the role: "
MAX_AWS_FILE = 4 * MAX_SMALL_BYTES  # an AWS config with a few thousand profiles stays far below this


FILE_VARIABLES = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")  # in user_files' order


def user_files(environ: Mapping[str, str]) -> tuple[Path, Path]:
    """The config and credentials files the parent's SDKs read (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)."""
    config = Path(environ.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()
    credentials = Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser()
    return config, credentials


def shown(path: Path | str, environ: Mapping[str, str]) -> str:
    """`path` as the user knows it: under their home, `~/...`."""
    home = environ.get("HOME")
    text = str(path)
    if home and text.startswith(home.rstrip("/") + "/"):
        return "~/" + text[len(home.rstrip("/")) + 1 :]
    return text


def _read(path: Path) -> str:
    """The file's text; "" when it does not exist. OSError/ValueError when it exists and cannot be read."""
    try:
        return read_limited(path, MAX_AWS_FILE).decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


@dataclass
class ChildView:
    """The child's environment and what it resolves to; `cleanup()` removes the overlay (idempotent)."""

    env: dict[str, str]
    identity: str
    warning: str | None = None
    directory: Path | None = None

    def cleanup(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


def _user_texts(env: Mapping[str, str], problems: list[str] | None) -> dict[str, str]:
    """The AWS files `env` points to, read once: variable -> text ("" for a missing file). An unreadable one is
    left out, and said in `problems` when given (a served child then starts with a warning)."""
    texts: dict[str, str] = {}
    for variable, path in zip(FILE_VARIABLES, user_files(env), strict=True):
        try:
            texts[variable] = _read(path)
        except (OSError, ValueError) as error:
            if problems is not None:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else "too large"
                problems.append(f"{shown(path, env)} cannot be read ({reason}) and may hold competing credentials")
    return texts


def _overlay(env: dict[str, str], texts: dict[str, str], problems: list[str]) -> Path | None:
    """Point `env` at stripped copies of the user's AWS files (`texts`, from _user_texts) that need it, and put the
    copies' text in `texts`; the overlay directory, or None. What cannot be written goes to `problems`."""
    config, credentials = user_files(env)
    directory: Path | None = None
    outer = any(sources_default(text) for text in texts.values())
    for variable, text in list(texts.items()):
        is_config = variable == "AWS_CONFIG_FILE"
        path = config if is_config else credentials
        stripped = strip_default(text, config=is_config, outer=outer)
        if stripped.text == text:
            continue
        try:
            if directory is None:
                directory = Path(tempfile.mkdtemp(prefix="roleui-aws-"))  # 0700, a name nobody can guess
            target = directory / ("config" if is_config else "credentials")
            write_private(target, stripped.text.encode("utf-8"))
        except OSError as error:
            problems.append(f"{shown(path, env)} could not be overlaid ({error.strerror or error})")
            continue
        env[variable] = str(target)
        texts[variable] = stripped.text
    return directory


def _ours(source: Source, env: Mapping[str, str], session: Session, served: bool) -> bool:
    if served:
        return source.kind == "endpoint" and source.description == env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    return source.kind == "environment" and env.get("AWS_ACCESS_KEY_ID") == session.credentials.access_key_id


def child_view(session: Session, env: Mapping[str, str], *, served: bool) -> ChildView:
    """The view of a child whose environment is `env` (a session environment: competing variables removed; with
    the endpoint's variables when `served`): overlaid files when served, then checked once."""
    view_env = dict(env)
    problems: list[str] = []
    texts = _user_texts(view_env, problems if served else None)
    directory = _overlay(view_env, texts, problems) if served else None
    try:
        source = resolve(view_env, texts.get("AWS_CONFIG_FILE", ""), texts.get("AWS_SHARED_CREDENTIALS_FILE", ""))
        if _ours(source, view_env, session, served) and not problems:
            identity, warning = session.assumed_role_arn, None
        else:
            what = problems[0] if problems else source.description
            if source.kind == "environment" and not problems:
                what = "AWS_ACCESS_KEY_ID in the environment is not the session's"
            identity = NOT_THE_ROLE + what
            warning = f"{what} — the child may not run as {session.role_key}"
        view_env[IDENTITY_VARIABLE] = identity
    except BaseException:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return ChildView(view_env, identity, warning, directory)
