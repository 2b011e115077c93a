"""Session policies: what a session may do at most, sent with AssumeRole as `PolicyArns` and `Policy`.

A session's permissions are the intersection of the role's policies and its session policies, so a scope can only
take away. Where they come from, in order: `--scope NAME` (a `[scopes]` entry, or the built-in `read-only`),
`--policy-arn ARN` and `--policy FILE` on the command line; without any of those, the role's own `policy_arns` /
`policy` in the catalog. Names of AWS managed policies (`ReadOnlyAccess`, `job-function/ViewOnlyAccess`) and AWS
managed ARNs are written in the role's partition (`arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess` in GovCloud).

Checked offline (catalog, `check`, every command): JSON syntax, ARN form, at most 10 ARNs, and the 2,048-character
limit of the plaintext of both together. AWS also packs policies and session tags into a binary form with a limit
of its own that only AWS can check (`PackedPolicyTooLarge`, mapped to one line in roleui/aws/errors.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from roleui.core.frozen_record import FrozenRecord, record
from roleui.core.models import Role, Scope

MAX_POLICY_ARNS = 10
MAX_PLAINTEXT = 2048  # characters of Policy and PolicyArns together (STS AssumeRole)
READ_ONLY = "read-only"
BUILT_IN: dict[str, Scope] = {READ_ONLY: Scope(READ_ONLY, policy_arns=("ReadOnlyAccess",))}
CUSTOM = "custom"  # the label of a session policy given with --policy-arn / --policy but no --scope
ROLE_POLICY = "role-policy"  # the label of the role's own catalog policy_arns / policy

POLICY_ARN = re.compile(r"arn:(aws|aws-us-gov|aws-cn):iam::(aws|[0-9]{12}):policy/[\w+=,.@/-]{1,512}", re.ASCII)
MANAGED_NAME = re.compile(r"[\w+=,.@-]+(?:/[\w+=,.@-]+)*", re.ASCII)  # `ReadOnlyAccess`, `job-function/ViewOnlyAccess`
SCOPE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}", re.ASCII)

Finding = tuple[str, str] | None


@record
class SessionPolicy(FrozenRecord):
    """What one AssumeRole sends as session policies; `label` names it in the UI, `status` and the trail."""

    label: str | None
    policy_arns: tuple[str, ...]
    policy: str | None  # minified JSON

    def __init__(self, label: str | None = None, policy_arns: tuple[str, ...] = (), policy: str | None = None) -> None:
        self._init(label, policy_arns, policy)

    def __bool__(self) -> bool:
        return bool(self.policy_arns or self.policy)

    @property
    def plaintext(self) -> int:
        return len(self.policy or "") + sum(len(arn) for arn in self.policy_arns)


NONE = SessionPolicy()


def partition_arn(value: str, partition: str) -> str:
    """The ARN of a policy in `partition`: a managed policy's name becomes `arn:<partition>:iam::aws:policy/NAME`,
    and an AWS managed ARN of another partition is moved to this one (a customer ARN is left as written)."""
    found = POLICY_ARN.fullmatch(value)
    if found is None:
        return f"arn:{partition}:iam::aws:policy/{value}"
    if found.group(2) == "aws" and found.group(1) != partition:
        return f"arn:{partition}:" + value.split(":", 2)[2]
    return value


def check_policy_arn(value: str) -> Finding:
    if POLICY_ARN.fullmatch(value) or (not value.startswith("arn:") and MANAGED_NAME.fullmatch(value)):
        return None
    return (
        f"{value!r} is not a policy ARN",
        "write arn:aws:iam::aws:policy/NAME, arn:aws:iam::123456789012:policy/NAME, or an AWS managed name",
    )


def check_policy_arns(values: Iterable[str]) -> Finding:
    values = list(values)
    if len(values) > MAX_POLICY_ARNS:
        return f"{len(values)} policy ARNs", f"AssumeRole takes at most {MAX_POLICY_ARNS} — merge some into one policy"
    for value in values:
        finding = check_policy_arn(value)
        if finding is not None:
            return finding
    return None


def minified(document: str) -> tuple[str | None, Finding]:
    """The policy document as sent (compact JSON, fewer characters against the limit), or why it cannot be."""
    try:
        data = json.loads(document)
    except ValueError as error:
        return None, (f"is not JSON ({error})", "fix the policy document's JSON syntax")
    if not isinstance(data, dict):
        return None, ("is not a JSON object", 'write a policy document: {"Version": "2012-10-17", "Statement": [...]}')
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False), None


def check_plaintext(policy: SessionPolicy) -> Finding:
    if policy.plaintext > MAX_PLAINTEXT:
        return (
            f"session policies of {policy.plaintext} characters (policy plus ARNs)",
            f"AWS takes at most {MAX_PLAINTEXT}: shorten the policy or use a managed policy ARN",
        )
    return None


def find_scope(name: str, scopes: Mapping[str, Scope]) -> Scope | None:
    return scopes.get(name) or BUILT_IN.get(name)


def scope_names(scopes: Mapping[str, Scope]) -> list[str]:
    return sorted({*BUILT_IN, *scopes})


def session_policy(
    role: Role,
    scopes: Mapping[str, Scope],
    *,
    scope: str | None = None,
    policy_arns: tuple[str, ...] = (),
    policy: str | None = None,
) -> tuple[SessionPolicy, Finding]:
    """The session policy of one assume of `role`: the asked scope and extra ARNs/document, else the role's own."""
    partition = role.account.partition
    arns: list[str] = []
    documents: list[str] = []
    if scope is not None:
        found = find_scope(scope, scopes)
        if found is None:
            return NONE, (f"no scope named {scope!r}", f"use one of {', '.join(scope_names(scopes))}, or add [scopes]")
        arns += found.policy_arns
        documents += [found.policy] if found.policy else []
        label: str | None = scope
    elif policy_arns or policy:
        label = CUSTOM
    else:
        arns += role.policy_arns
        documents += [role.policy] if role.policy else []
        label = ROLE_POLICY if arns or documents else None
    arns += policy_arns
    documents += [policy] if policy else []
    if len(documents) > 1:
        return NONE, ("two inline policy documents", "AssumeRole takes one Policy: merge them into one file")
    finding = check_policy_arns(arns)
    if finding is not None:
        return NONE, finding
    text = None
    if documents:
        text, finding = minified(documents[0])
        if finding is not None:
            return NONE, (f"the session policy {finding[0]}", finding[1])
    unique = tuple(dict.fromkeys(partition_arn(arn, partition) for arn in arns))
    result = SessionPolicy(label, unique, text)
    return result, check_plaintext(result)


def renewal_scope(label: str | None) -> str | None:
    """The `--scope` that assumes a session like one labelled `label` again (the role's own policies come back by
    themselves; a custom one cannot be named, and the UI never makes one)."""
    return None if label in (None, ROLE_POLICY, CUSTOM) else label


def chained_alternatives(role_key: str, roles: Iterable[Role]) -> list[str]:
    """The IAM roles chained from a permission set (`via = role_key`): they can take a session policy."""
    return [r.key for r in roles if r.via == role_key and not r.is_permission_set]
