"""Helpers for the organizations tests: a real organization on the moto server, request counting, and
error injection on a real client for the failures a local AWS cannot produce.

The organization (`build_org`), with the management account 123456789012 ("master") at the root:

    Workloads/Prod/Payments   payments-prod   environment=prod team=payments
    Workloads/Prod            web-prod        environment=prod team=web
    Workloads/Dev/Sandbox     sandbox-1       environment=dev
    Workloads/Dev/Sandbox     sandbox-2       environment=dev     (closed: SUSPENDED)
    Security                  audit           team=security
    Security                  log-archive
    Suspended                 old-app                             (closed: SUSPENDED)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

MANAGEMENT_ID = "123456789012"  # moto's default account: the fake base keys of the `aws` fixture


@dataclass
class Org:
    """What build_org made: ids by name, for assertions."""

    root: str
    ous: dict[str, str] = field(default_factory=dict)  # OU path -> id
    accounts: dict[str, str] = field(default_factory=dict)  # account name -> id


def org_client() -> Any:
    return boto3.client("organizations", region_name="us-east-1")


def add_ou(client: Any, org: Org, path: str) -> str:
    parent_path, _, name = path.rpartition("/")
    parent = org.ous[parent_path] if parent_path else org.root
    ou_id: str = client.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
    org.ous[path] = ou_id
    return ou_id


def add_account(client: Any, org: Org, name: str, ou_path: str, tags: Mapping[str, str] | None = None) -> str:
    status = client.create_account(
        AccountName=name,
        Email=f"{name}@example.com",
        Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    )["CreateAccountStatus"]
    account_id: str = status["AccountId"]
    if ou_path:
        client.move_account(AccountId=account_id, SourceParentId=org.root, DestinationParentId=org.ous[ou_path])
    org.accounts[name] = account_id
    return account_id


def build_org(client: Any | None = None) -> Org:
    client = client or org_client()
    client.create_organization(FeatureSet="ALL")
    org = Org(root=client.list_roots()["Roots"][0]["Id"])
    org.accounts["master"] = MANAGEMENT_ID
    for path in (
        "Workloads",
        "Workloads/Prod",
        "Workloads/Prod/Payments",
        "Workloads/Dev",
        "Workloads/Dev/Sandbox",
        "Security",
        "Suspended",
    ):
        add_ou(client, org, path)
    add_account(client, org, "payments-prod", "Workloads/Prod/Payments", {"environment": "prod", "team": "payments"})
    add_account(client, org, "web-prod", "Workloads/Prod", {"environment": "prod", "team": "web"})
    add_account(client, org, "sandbox-1", "Workloads/Dev/Sandbox", {"environment": "dev"})
    add_account(client, org, "sandbox-2", "Workloads/Dev/Sandbox", {"environment": "dev"})
    add_account(client, org, "audit", "Security", {"team": "security"})
    add_account(client, org, "log-archive", "Security")
    add_account(client, org, "old-app", "Suspended")
    client.close_account(AccountId=org.accounts["sandbox-2"])
    client.close_account(AccountId=org.accounts["old-app"])
    return org


def count_calls(client: Any) -> Counter[str]:
    """Counts the API calls the client makes, by operation name (botocore's before-call event)."""
    counts: Counter[str] = Counter()

    def hook(model: Any, **_: Any) -> None:
        counts[model.name] += 1

    client.meta.events.register("before-call.organizations", hook)
    return counts


Match = Callable[[Mapping[str, Any]], bool]


def inject_error(
    client: Any,
    operation: str,
    code: str,
    *,
    when: Match = lambda params: True,
    times: int | None = None,
    message: str = "injected",
    status: int = 400,
) -> Counter[str]:
    """Make the real client fail `operation` with `code` (for requests `when` accepts, `times` times or always),
    as botocore's Stubber does: a before-call handler that answers instead of the server."""
    fired: Counter[str] = Counter()

    def hook(params: Mapping[str, Any], model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = params.get("body") or b"{}"
        if model.name != operation or not when(json.loads(body)):
            return None
        if times is not None and fired[operation] >= times:
            return None
        fired[operation] += 1
        response = AWSResponse("http://injected", status, {}, None)  # type: ignore[arg-type]
        parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return response, parsed

    client.meta.events.register_first("before-call.organizations", hook)
    return fired


def use_catalog(tmp_path: Path, monkeypatch: Any, organizations: str = "enabled = true", extra: str = "") -> Path:
    """Write a catalog with this [organizations] table (and `extra` before it) and make it the default one."""
    path = tmp_path / "roleui.toml"
    path.write_text(f"{extra}\n[organizations]\n{organizations}\n", encoding="utf-8")
    monkeypatch.setenv("ROLEUI_CONFIG", str(path))
    return path
