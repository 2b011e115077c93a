"""The `[browser]` modes' pure parts: container URLs read back by the extensions' own parsing rules, Chromium
profile names, command templates, the default mode's sign-out chain and the console session's real length."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlsplit

import pytest

from roleui.core.browser_config import CONTAINER_EXTENSIONS, FIREFOX_COLORS, FIREFOX_ICONS, BrowserConfig
from roleui.core.browser_modes import (
    console_session_seconds,
    container_color,
    container_url,
    expand_command,
    profile_directory,
    profile_name,
    sign_out_first,
)
from roleui.core.catalog.parse import parse_catalog
from roleui.core.errors import ConfigError
from roleui.core.models import Account, Role

# A role whose key and console destination hold everything that breaks a URL: & # % + spaces and non-ASCII.
AWKWARD = Role(
    account=Account(id="444444444444", name="R&D #1 100% ünïcødé", tags={"container-icon": "Briefcase"}, color="red"),
    name="Déploy+Admin",
)
DESTINATION = "https://eu-west-1.console.aws.amazon.com/s3/buckets/a&b?region=eu-west-1&prefix=x y/%2F#tab=ünï"
LOGIN = (
    "https://signin.aws.amazon.com/federation?Action=login&Issuer=roleui&Destination="
    + quote(DESTINATION, safe="")
    + "&SigninToken=abc%2Bdef%3D%3D"
)


def extension_reads(uri: str, prefix: str) -> dict[str, str]:
    """What Granted Containers and open-url-in-container read from `uri`, by their parsers' rules: Firefox hands
    the extension page `#` + encodeURIComponent(uri); the page does decodeURIComponent once, checks the prefix and
    reads the rest with URLSearchParams (`&` separates, `+` is a space, %XX is UTF-8, the first value wins); `url`
    must parse as a URL, and `color`/`icon` must be in the extensions' lists."""
    page_hash = "#" + quote(uri, safe="-_.!~*'()")  # encodeURIComponent's unreserved characters
    decoded = unquote(page_hash[1:], errors="strict")  # decodeURIComponent
    assert decoded.startswith(prefix), "unknown URI protocol"
    params: dict[str, str] = {}
    for name, value in parse_qsl(decoded[len(prefix) :], keep_blank_values=True):
        params.setdefault(name, value)
    assert params.get("name"), "container name is required"
    parsed = urlsplit(params["url"])
    assert parsed.scheme in ("http", "https"), "url must be a URL"
    assert parsed.netloc, "url must be a URL"
    assert params.get("color", "") in ("", *FIREFOX_COLORS)
    assert params.get("icon", "") in ("", *FIREFOX_ICONS)
    return params


@pytest.mark.parametrize("extension", sorted(CONTAINER_EXTENSIONS))
def test_a_container_url_round_trips_a_key_and_destination_full_of_ampersands_hashes_and_unicode(
    extension: str,
) -> None:
    config = BrowserConfig(mode="firefox-container", extension=extension)
    uri = container_url(AWKWARD, LOGIN, config)
    assert uri.startswith(CONTAINER_EXTENSIONS[extension])
    for character in " #+":
        assert character not in uri.removeprefix(CONTAINER_EXTENSIONS[extension])
    read = extension_reads(uri, CONTAINER_EXTENSIONS[extension])
    assert read == {"name": AWKWARD.key, "url": LOGIN, "color": "red", "icon": "briefcase"}
    assert parse_qs(urlsplit(read["url"]).query)["Destination"] == [DESTINATION]
    assert parse_qs(urlsplit(read["url"]).query)["SigninToken"] == ["abc+def=="]


def test_a_container_takes_the_role_colour_then_the_table_colour_then_one_per_account() -> None:
    plain = Role(account=Account(id="555555555555", name="plain"), name="R")
    assert container_color(AWKWARD, BrowserConfig()) == "red"
    assert container_color(plain, BrowserConfig(color="purple")) == "purple"
    picked = container_color(plain, BrowserConfig())
    assert picked in FIREFOX_COLORS
    assert container_color(Role(account=plain.account, name="Other"), BrowserConfig()) == picked  # per account


def test_an_icon_tag_the_extensions_would_refuse_falls_back_to_the_configured_icon() -> None:
    role = Role(account=Account(id="555555555555", name="a", tags={"container-icon": "fence"}), name="R")
    uri = container_url(role, "https://console.aws.amazon.com/", BrowserConfig(icon="tree"))
    assert extension_reads(uri, "ext+granted-containers:")["icon"] == "tree"


def test_chromium_profiles_are_named_by_role_key_or_account_in_directories_any_file_system_takes() -> None:
    per_role = BrowserConfig(mode="chromium-profile")
    per_account = BrowserConfig(mode="chromium-profile", profile_per="account")
    other = Role(account=AWKWARD.account, name="ReadOnly")
    assert profile_name(AWKWARD, per_role) == AWKWARD.key
    assert profile_name(AWKWARD, per_account) == AWKWARD.account.name
    assert profile_directory(AWKWARD, per_role) != profile_directory(other, per_role)
    assert profile_directory(AWKWARD, per_account) == profile_directory(other, per_account)
    directory = profile_directory(AWKWARD, per_role)
    assert directory.startswith("roleui-r-d-1-100-n-c-d-d-ploy-admin-")
    assert directory.isascii()
    assert not set(directory) & set("/ &#%")


def test_a_command_template_fills_each_argument_and_never_splits_a_hostile_key() -> None:
    args = expand_command(
        ("my-browser", "--class=aws-{profile}", "--color", "{color}", "{url}"),
        url="file:///tmp/roleui-signin-x.html",
        profile="dev/Admin; rm -rf ~ {url}",
        color="red",
    )
    assert args == [
        "my-browser",
        "--class=aws-dev/Admin; rm -rf ~ {url}",
        "--color",
        "red",
        "file:///tmp/roleui-signin-x.html",
    ]


def test_the_default_mode_signs_out_on_the_same_sign_in_host_and_comes_back_to_the_login() -> None:
    chained = sign_out_first(LOGIN)
    parts = urlsplit(chained)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "signin.aws.amazon.com", "/oauth")
    assert parse_qs(parts.query) == {"Action": ["logout"], "redirect_uri": [LOGIN]}


@pytest.mark.parametrize(
    ("left", "chained", "lasts"),
    [
        (7200, False, 7200),
        (100_000, False, 43200),  # SessionDuration's ceiling: 12 h
        (60, False, 900),  # and its floor: 15 min
        (3000, True, 3000),  # a chained role: what its credentials have
        (5000, True, 3600),  # at most 1 h
    ],
)
def test_the_console_session_lasts_session_duration_or_a_chained_roles_hour(
    left: int, chained: bool, lasts: int
) -> None:
    assert console_session_seconds(left, chained=chained) == lasts


BAD_BROWSER = """\
[[accounts]]
id = "111111111111"
name = "dev"
roles = [{ name = "Admin" }]

[browser]
mode = "chromium-profil"
browser = "brav"
color = "purpel"
icon = "fense"
command = "my-browser --profile {profle}"
excutable = "/usr/bin/firefox"
"""


def test_check_rejects_a_bad_browser_table_with_lines_and_did_you_mean() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_catalog(BAD_BROWSER, "catalog.toml")
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "catalog.toml:7: browser.mode: 'chromium-profil' is not a browser mode — did you mean 'chromium-profile'? "
        "(one of default, firefox-container, chromium-profile, multi-session, command)",
        "catalog.toml:8: browser.browser: 'brav' is not a Chromium-family browser roleui knows — did you mean "
        "'brave'? (one of chrome, chromium, brave, edge, vivaldi)",
        "catalog.toml:9: browser.color: 'purpel' is not a container colour the extensions accept — did you mean "
        "'purple'? (one of blue, turquoise, green, yellow, orange, red, pink, purple)",
        "catalog.toml:10: browser.icon: 'fense' is not a container icon the extensions accept — use one of "
        "fingerprint, briefcase, dollar, cart, circle, gift, vacation, food, fruit, pet, tree, chill",
        "catalog.toml:11: browser.command: {profle} is not a placeholder — did you mean 'profile'? "
        "(one of url, profile, color)",
        "catalog.toml:11: browser.command: has no {url} — the browser needs the page: write e.g. "
        'command = "my-browser {url}"',
        "catalog.toml:12: browser.excutable: unknown key — did you mean 'executable'?",
    ]


def test_a_good_browser_table_reaches_the_catalog() -> None:
    text = BAD_BROWSER.split("[browser]", maxsplit=1)[0] + (
        '[browser]\nmode = "command"\ncommand = "firefox -P \'aws {profile}\' --new-tab {url}"\n'
    )
    browser = parse_catalog(text).browser
    assert browser.mode == "command"
    assert browser.command == ("firefox", "-P", "aws {profile}", "--new-tab", "{url}")
    assert parse_catalog(BAD_BROWSER.split("[browser]", maxsplit=1)[0]).browser == BrowserConfig()


def test_a_container_url_is_handed_to_a_browser_only_around_a_web_url() -> None:
    from roleui.core.web_urls import is_openable

    page = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1#/a&b"
    assert is_openable(f"ext+granted-containers:name=main&url={quote(page, safe='')}&color=red")
    assert is_openable(f"ext+container:name=main&url={quote(page, safe='')}")
    assert not is_openable(f"ext+container:name=main&url={quote('javascript:alert(1)', safe='')}")
    assert not is_openable("ext+container:name=main")
    assert not is_openable(f"ext+other:url={quote(page, safe='')}")
