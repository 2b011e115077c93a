"""botocore's endpoints.json cut to roleui's services: the same answers, the full file parsed once, the copy private."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import BotoCoreError
from botocore.loaders import JSONFileLoader
from botocore.regions import EndpointResolver

from roleui.aws.clients import SERVICES, lean_session
from roleui.aws.endpoints_data import KEPT_COPIES, load_endpoints, trimmed

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
ENDPOINTS = str(BOTOCORE_DATA / "endpoints")
PREFIXES = {"sts": "sts", "organizations": "organizations", "sso": "portal.sso", "sso-oidc": "oidc"}


def prefixes() -> list[str]:
    return list(PREFIXES.values())


def outcome(resolver: EndpointResolver, prefix: str, region: str, variant: dict[str, bool]) -> object:
    """What the resolver answers, or the error it raises (a variant that does not exist there)."""
    try:
        return resolver.construct_endpoint(prefix, region, **variant)
    except BotoCoreError as error:
        return (type(error), str(error))


class CountingLoader:
    """botocore's own reader of the full file, counting how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, base: str) -> dict[str, Any] | None:
        self.calls += 1
        found: dict[str, Any] | None = JSONFileLoader().load_file(base)
        return found


def load(base: str, full: CountingLoader) -> dict[str, Any] | None:
    """What the lean loader asks for: the endpoints at `base`, cut to roleui's services."""
    return load_endpoints(base, full, SERVICES, prefixes)


def cut_copies() -> list[Path]:
    return sorted((Path(os.environ["ROLEUI_CACHE_DIR"]) / "botocore").glob("endpoints-*.json"))


def test_the_lean_loader_reads_each_services_endpoint_prefix_from_botocores_models() -> None:
    loader = lean_session().get_component("data_loader")
    assert set(PREFIXES) == set(SERVICES)
    assert loader.endpoint_prefixes() == [PREFIXES[service] for service in SERVICES]
    cut = loader.load_data("endpoints")
    aws = next(p for p in cut["partitions"] if p["partition"] == "aws")
    assert set(aws["services"]) == set(PREFIXES.values())


def test_the_cut_data_resolves_every_region_of_every_partition_as_the_full_file_does() -> None:
    full = JSONFileLoader().load_file(ENDPOINTS)
    cut = trimmed(JSONFileLoader().load_file(ENDPOINTS), prefixes())  # shares nothing with `full`
    assert len(json.dumps(cut)) < len(json.dumps(full)) / 20
    whole, lean = EndpointResolver(full), EndpointResolver(cut)
    checked = 0
    for partition in full["partitions"]:
        regions = [*partition["regions"], "xx-unknown-1"]
        for prefix in prefixes():
            for region in regions:
                for variant in ({}, {"use_fips_endpoint": True}, {"use_dualstack_endpoint": True}):
                    found = outcome(lean, prefix, region, variant)
                    assert found == outcome(whole, prefix, region, variant), (prefix, region, variant)
                    checked += 1
            assert lean.get_available_endpoints(prefix, partition["partition"]) == whole.get_available_endpoints(
                prefix, partition["partition"]
            )
    assert checked > 500


def test_the_full_file_is_parsed_once_and_then_the_private_cut_copy_is_read() -> None:
    full = CountingLoader()
    asked: list[str] = []

    def models() -> list[str]:  # reading the services' models costs ~10 ms: only when a copy is made
        asked.append("prefixes")
        return prefixes()

    first = load_endpoints(ENDPOINTS, full, SERVICES, models)
    second = load_endpoints(ENDPOINTS, full, SERVICES, models)
    assert full.calls == 1
    assert asked == ["prefixes"]
    assert first == second
    [copy] = cut_copies()
    assert copy.stat().st_mode & 0o777 == 0o600
    assert copy.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_text("{not json"),
        lambda p: p.write_text('{"partitions": "none"}'),
        lambda p: p.write_bytes(b"\0" * 10),
        lambda p: p.chmod(0o666),  # another user could have written it: not trusted
    ],
    ids=["broken json", "wrong shape", "binary", "writable by others"],
)
def test_a_damaged_or_untrusted_cut_copy_is_made_again_from_the_full_file(damage: Any) -> None:
    full = CountingLoader()
    expected = load(ENDPOINTS, full)
    [copy] = cut_copies()
    damage(copy)
    assert load(ENDPOINTS, full) == expected
    assert full.calls == 2
    assert json.loads(copy.read_text()) == expected
    assert copy.stat().st_mode & 0o777 == 0o600


def test_a_changed_endpoints_file_gets_a_new_cut_copy_and_only_the_newest_copies_are_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    source = data / "endpoints.json"
    source.write_text((BOTOCORE_DATA / "endpoints.json").read_text())
    full = CountingLoader()
    for generation in range(KEPT_COPIES + 2):
        os.utime(source, ns=(0, 1_000_000_000 * (generation + 1)))  # a new botocore: same path, another file
        load(str(data / "endpoints"), full)
        assert full.calls == generation + 1
    assert len(cut_copies()) == KEPT_COPIES


def test_no_endpoints_file_is_none_and_nothing_is_written(tmp_path: Path) -> None:
    assert load(str(tmp_path / "endpoints"), CountingLoader()) is None
    assert cut_copies() == []


def test_an_unusable_cache_directory_costs_time_and_nothing_else(tmp_path: Path) -> None:
    directory = Path(os.environ["ROLEUI_CACHE_DIR"]) / "botocore"
    directory.mkdir(parents=True)
    directory.chmod(0o777)  # writable by others: roleui neither reads nor writes there
    full = CountingLoader()
    assert load(ENDPOINTS, full) == load(ENDPOINTS, full)
    assert full.calls == 2
    assert cut_copies() == []


@pytest.mark.parametrize("region", ["eu-west-1", "us-east-1", "ap-southeast-7", "us-gov-west-1", "cn-north-1"])
@pytest.mark.parametrize("fips", [False, True])
def test_clients_of_a_lean_session_reach_the_endpoints_a_plain_botocore_session_reaches(
    region: str, fips: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fips:
        monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    plain_session, lean = botocore.session.Session(), lean_session()
    for service in SERVICES:
        plain = plain_session.create_client(service, region_name=region)
        lean_client = lean.create_client(service, region_name=region)
        assert lean_client.meta.endpoint_url == plain.meta.endpoint_url, (service, region)
        assert lean_client.meta.partition == plain.meta.partition


def test_an_endpoints_file_on_aws_data_path_is_used_and_not_taken_for_botocores_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "models"
    data.mkdir()
    endpoints = json.loads((BOTOCORE_DATA / "endpoints.json").read_text())
    aws = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    aws["services"]["sts"]["endpoints"]["eu-west-1"] = {"hostname": "sts.internal.example"}
    (data / "endpoints.json").write_text(json.dumps(endpoints))
    monkeypatch.setenv("AWS_DATA_PATH", str(data))
    session = lean_session()
    resolver = session._get_internal_component("endpoint_resolver")
    assert resolver.uses_builtin_data is False
    assert resolver.construct_endpoint("sts", "eu-west-1")["hostname"] == "sts.internal.example"
    monkeypatch.delenv("AWS_DATA_PATH")
    assert lean_session()._get_internal_component("endpoint_resolver").uses_builtin_data is True
