"""RoleSessionName: who is behind a session, so CloudTrail shows who did what.

The default template is `{user}`: the caller's IAM user name (or, for a caller that is itself a role session,
that session's name, so a chain keeps the person's name). Templates may also use `{account}` and `{role}`.
The result is cleaned to the STS charset and length; an explicit `--session-name` is checked instead.
"""

from __future__ import annotations

from roleui.core.limits import clean_session_name


def user_from_arn(arn: str) -> str:
    """The person-ish part of a caller ARN.

    `arn:aws:iam::1:user/team/deepak.dev` -> `deepak.dev`; `arn:aws:sts::1:assumed-role/Role/deepak.dev` ->
    `deepak.dev`; `arn:aws:sts::1:federated-user/bob` -> `bob`; `arn:aws:iam::1:root` -> `root`.
    """
    resource = arn.split(":", 5)[-1]
    if resource == "root":
        return "root"
    kind, _, rest = resource.partition("/")
    if not rest:
        return kind
    return rest.rsplit("/", 1)[-1]


def is_role_session_arn(arn: str) -> bool:
    """True when the caller is a role session (assuming another role from it is role chaining)."""
    return ":assumed-role/" in arn


def is_iam_user_arn(arn: str) -> bool:
    """True for an IAM user: only users (not roles, not root) open MFA sessions worth reusing across roles."""
    return ":user/" in arn


def render_session_name(template: str, *, user: str, account: str, role: str) -> str:
    """The template filled in and cleaned to a valid RoleSessionName (2-64 chars of `[\\w+=,.@-]`)."""
    try:
        text = template.format(user=user, account=account, role=role)
    except (KeyError, IndexError, ValueError):
        text = user  # the catalog loader refuses bad templates; this only guards hand-made catalogs
    return clean_session_name(text)
