"""Which URLs roleui opens in a browser or copies to the clipboard: one rule, for the UI and the CLI alike.

A URL from the network (Identity Center's verification URL, a portal's answer) is untrusted. A `javascript:`,
`file:` or `data:` URL reaches a browser through a redirect page as readily as a web page does, and a URL with
escapes, bidirectional overrides (U+202E) or line breaks shows one thing and copies another. So only an https
URL with a host is used, or plain http to the loopback interface (the demo's and the tests' local Identity
Center), and only when it holds nothing but visible characters: what is shown is exactly what is copied.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_URL = 4096
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def web_url_problem(url: object) -> str | None:
    """Why `url` must not be opened or copied, or None when it may."""
    if not isinstance(url, str) or not url:
        return "it is empty"
    if len(url) > MAX_URL:
        return f"it is longer than {MAX_URL} characters"
    for char in url:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"):
            return f"it holds an invisible or control character (U+{ord(char):04X})"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        return "it is not a well-formed URL"
    if not host:
        return "it names no host"
    if parts.username is not None or parts.password is not None:
        return "it carries a user name (a host can hide behind one)"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    return f"only https URLs are opened, not {parts.scheme or 'a schemeless'}:"


def is_web_url(url: object) -> bool:
    return web_url_problem(url) is None


# Firefox container extensions take a URL of their own around the page to open (core/browser_modes.py builds them).
CONTAINER_SCHEMES = ("ext+granted-containers:", "ext+container:")


def is_openable(url: object) -> bool:
    """A web URL, or a container extension's URL around one: what a browser may be handed (through a redirect
    page). The page inside the extension's URL (its `url` parameter) follows the web URL rule."""
    if is_web_url(url):
        return True
    if not isinstance(url, str) or len(url) > MAX_URL or not url.startswith(CONTAINER_SCHEMES):
        return False
    from urllib.parse import parse_qs

    inner = parse_qs(url.split(":", 1)[1], keep_blank_values=True).get("url", [])
    return len(inner) == 1 and is_web_url(inner[0])


AWS_SIGNIN_DOMAINS = ("signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn")


def federation_endpoint_problem(url: str) -> str | None:
    """Why `url` may not receive a session's keys as a federation endpoint (ROLEUI_FEDERATION_ENDPOINT), or None:
    only https to an AWS sign-in host (`signin.aws.amazon.com` or a regional `<region>.signin.aws.amazon.com`, and
    the GovCloud and China ones), or http to the loopback interface (the demo's and the tests' local endpoint)."""
    problem = web_url_problem(url)
    if problem is not None:
        return problem
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" or host in LOOPBACK_HOSTS:
        return None  # web_url_problem let http through only to the loopback interface
    if any(host == domain or host.endswith("." + domain) for domain in AWS_SIGNIN_DOMAINS):
        return None
    return f"{host} is not an AWS sign-in host"
