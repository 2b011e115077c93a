"""The environment variables that compete with a role session's credentials in a child's environment.

Set, any of them makes an SDK in the child run as someone else (or lie about who it is): session_env.py removes
them from the exports and the children's environments, the shells (roleui/aws/shell.py) from theirs. Kept apart
from aws_view.py, which walks the AWS files too, so a cold `roleui env` loads only these names.
"""

from __future__ import annotations

# Environment variables that would compete with the session's credentials (the session's own are set after).
COMPETING_VARS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",  # web identity: CI runners, EKS pods, devcontainers
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CREDENTIAL_FILE",  # botocore's legacy EC2 tools file, read before the container provider
    "AWS_VAULT",  # an outer aws-vault session's marker (its keys are removed with the other keys)
)
COMPETING_PREFIXES = ("GRANTED_",)  # an outer granted session's markers (GRANTED_SSO, GRANTED_AWS_ROLE_PROFILE...)


def competes(name: str) -> bool:
    return name in COMPETING_VARS or name.startswith(COMPETING_PREFIXES)
