"""How a role's console is opened: the `[browser]` modes and the pure pieces each one needs.

- `default`: the system browser; when roleui knows the console already holds another identity, the sign-in goes
  through the console's sign-out first (`<sign-in host>/oauth?Action=logout&redirect_uri=<sign-in URL>`, the
  chain Leapp and others use), so the user never sees "you must sign out first".
- `firefox-container`: an `ext+granted-containers:` URL (the Granted Containers extension) or an `ext+container:`
  URL (open-url-in-container and its fork Container Scheme). Both extensions read the URL the same way: Firefox
  hands the whole URI to the extension percent-encoded, the extension decodes it once (`decodeURIComponent`), strips
  the prefix and reads `URLSearchParams`: `name` (the container), `url` (required, must parse as a URL), and the
  optional `color` (blue, turquoise, green, yellow, orange, red, pink, purple) and `icon` (fingerprint, briefcase,
  dollar, cart, circle, gift, vacation, food, fruit, pet, tree, chill), both checked against those lists (anything
  else is an error in open-url-in-container; Granted Containers ignores them and picks its own). So every value is
  percent-encoded whole (`%20`, never `+`, which URLSearchParams reads as a space).
- `chromium-profile`: Chrome, Chromium, Brave, Edge or Vivaldi with `--profile-directory=roleui-<slug>` (one
  profile per role or per account), a new profile's `Preferences` naming it after the role key so the profile
  picker shows it (granted renames existing profiles in `Local State` instead, which a running browser overwrites).
- `multi-session`: the console's own multi-session mode (up to five identities in one browser, turned on once from
  the console's account menu): federated sign-ins add a session instead of replacing one, and a permission set
  opens through the access portal's shortcut link.
- `command`: any program, from a template with `{url}`, `{profile}` and `{color}`, split into arguments once (the
  template is the user's) and filled per argument, never through a shell.

In every mode the browser gets a private redirect file (roleui/ui/browser.py), never the sign-in URL itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

from roleui.core.browser_config import (
    CONTAINER_EXTENSIONS,
    FIREFOX_COLORS,
    FIREFOX_ICONS,
    PLACEHOLDERS,
    USER_DATA_DIRS,
    BrowserConfig,
)
from roleui.core.colors import color_name
from roleui.core.models import CHAINED_MAX_DURATION, MAX_DURATION, MIN_DURATION, Role

_PLACEHOLDER = re.compile(r"\{([A-Za-z_]*)\}")

# -- firefox-container --------------------------------------------------------------------------------------


def container_color(role: Role, config: BrowserConfig) -> str:
    """The container colour: the role's or account's console colour (all five are container colours too), else
    `[browser] color`, else one picked from the account id, so an account keeps its colour in either extension."""
    hex_ = role.effective_color()
    name = color_name(hex_) if hex_ else config.color
    if name in FIREFOX_COLORS:
        return name
    import hashlib  # here: the UI imports this module before its first screen, and hashlib loads OpenSSL (~3 ms)

    digest = hashlib.sha256(role.account.id.encode()).digest()
    return FIREFOX_COLORS[digest[0] % len(FIREFOX_COLORS)]


def container_icon(role: Role, config: BrowserConfig) -> str:
    """The icon named by the account's tag `icon_tag` when it is one the extensions accept (a tag is untrusted:
    anything else would make open-url-in-container refuse the URL), else the configured icon."""
    value = role.account.tags.get(config.icon_tag, "").strip().lower()
    return value if value in FIREFOX_ICONS else config.icon


def container_url(role: Role, url: str, config: BrowserConfig) -> str:
    """The extension URL that opens `url` in the container named after the role key."""
    prefix = CONTAINER_EXTENSIONS[config.extension]
    params = (
        ("name", role.key),
        ("url", url),
        ("color", container_color(role, config)),
        ("icon", container_icon(role, config)),
    )
    return prefix + "&".join(f"{name}={quote(value, safe='')}" for name, value in params)


# -- chromium-profile ---------------------------------------------------------------------------------------


def profile_name(role: Role, config: BrowserConfig) -> str:
    """What the profile picker shows: the role key, or the account's name for one profile per account."""
    return role.account.name if config.profile_per == "account" else role.key


def profile_directory(role: Role, config: BrowserConfig) -> str:
    """`roleui-<slug>-<hash>`: a directory name any file system takes, distinct for names that slug alike."""
    name = profile_name(role, config)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "role"
    import hashlib  # here, as in container_color

    return f"roleui-{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def default_user_data_dir(browser: str, home: Path, platform: str = sys.platform) -> Path | None:
    """The browser's own user data directory on this platform (None where roleui does not know it)."""
    relative = USER_DATA_DIRS.get("darwin" if platform == "darwin" else "linux" if platform.startswith("linux") else "")
    return home / relative[browser] if relative and browser in relative else None


# -- command ------------------------------------------------------------------------------------------------


def unknown_placeholders(template: str) -> list[str]:
    return [name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS]


def expand_command(template: tuple[str, ...], *, url: str, profile: str, color: str) -> list[str]:
    """The arguments of the command: each placeholder replaced inside its own argument (a role key with spaces or
    `;` stays one argument and is never read by a shell)."""
    values = {"url": url, "profile": profile, "color": color}
    return [_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), arg) for arg in template]


# -- default: sign out first --------------------------------------------------------------------------------


def sign_out_first(login_url: str) -> str:
    """The console's sign-out, sending the browser on to `login_url` (a federated sign-in URL) afterwards; the
    sign-out lives on the sign-in host of the same endpoint (`/oauth?Action=logout&redirect_uri=`)."""
    parts = urlsplit(login_url)
    return f"{parts.scheme}://{parts.netloc}/oauth?Action=logout&redirect_uri={quote(login_url, safe='')}"


# -- the console session's own length -----------------------------------------------------------------------


def console_session_seconds(seconds_left: float, *, chained: bool) -> int:
    """How long a federated console session opened now lasts: SessionDuration (the credentials' time left, kept
    within 15 min..12 h) — or, for a chained role (SessionDuration refused), what its credentials have, at most 1 h."""
    if chained:
        return int(max(min(seconds_left, CHAINED_MAX_DURATION), 0))
    return int(min(max(seconds_left, MIN_DURATION), MAX_DURATION))


def mode_label(config: BrowserConfig) -> str:
    """A few words for the key bar and help: which mode `o` opens in."""
    if config.mode == "chromium-profile":
        return f"{config.browser} profile"
    if config.mode == "firefox-container":
        return "Firefox container"
    return config.mode
