"""The `[browser]` table's settings and the names each mode accepts (roleui/core/browser_modes.py uses them).

The container colours and icons are the ones both Firefox container extensions accept (their parsers refuse any
other: `toolbar` and `fence` can be picked in Firefox's own dialog but not passed in a URL).
"""

from __future__ import annotations

from roleui.core.frozen_record import FrozenRecord, record

MODES = ("default", "firefox-container", "chromium-profile", "multi-session", "command")
CONTAINER_EXTENSIONS = {
    "granted-containers": "ext+granted-containers:",  # Granted Containers (common-fate)
    "open-url-in-container": "ext+container:",  # open-url-in-container and its fork Container Scheme
}
FIREFOX_COLORS = ("blue", "turquoise", "green", "yellow", "orange", "red", "pink", "purple")
FIREFOX_ICONS = (
    "fingerprint",
    "briefcase",
    "dollar",
    "cart",
    "circle",
    "gift",
    "vacation",
    "food",
    "fruit",
    "pet",
    "tree",
    "chill",
)
# The programs each Chromium-family browser installs as, first found wins (Linux names; macOS apps by path).
CHROMIUM_BROWSERS: dict[str, tuple[str, ...]] = {
    "chrome": ("google-chrome-stable", "google-chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    "chromium": ("chromium", "chromium-browser", "/Applications/Chromium.app/Contents/MacOS/Chromium"),
    "brave": ("brave-browser", "brave", "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"),
    "edge": (
        "microsoft-edge-stable",
        "microsoft-edge",
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    ),
    "vivaldi": ("vivaldi-stable", "vivaldi", "/Applications/Vivaldi.app/Contents/MacOS/Vivaldi"),
}
# Each browser's own user data directory, where its profile picker looks (relative to the home directory).
USER_DATA_DIRS: dict[str, dict[str, str]] = {
    "linux": {
        "chrome": ".config/google-chrome",
        "chromium": ".config/chromium",
        "brave": ".config/BraveSoftware/Brave-Browser",
        "edge": ".config/microsoft-edge",
        "vivaldi": ".config/vivaldi",
    },
    "darwin": {
        "chrome": "Library/Application Support/Google/Chrome",
        "chromium": "Library/Application Support/Chromium",
        "brave": "Library/Application Support/BraveSoftware/Brave-Browser",
        "edge": "Library/Application Support/Microsoft Edge",
        "vivaldi": "Library/Application Support/Vivaldi",
    },
}
PROFILE_PER = ("role", "account")
PLACEHOLDERS = ("url", "profile", "color")
MAX_CONSOLE_SESSIONS = 5  # the console's multi-session mode holds at most five identities per browser
DEFAULT_ICON = "fingerprint"
DEFAULT_ICON_TAG = "container-icon"


@record
class BrowserConfig(FrozenRecord):
    """The `[browser]` table (every field has the default roleui uses without one)."""

    mode: str
    extension: str  # firefox-container: which extension's URL
    color: str | None  # firefox-container: the colour of roles without one (None: one per account)
    icon: str  # firefox-container: the icon when the role's tags name none
    icon_tag: str  # firefox-container: the account tag holding an icon name
    browser: str  # chromium-profile: which browser
    executable: str | None  # firefox-container / chromium-profile: the program, when not on PATH
    profile_per: str  # chromium-profile: one profile per role or per account
    user_data_dir: str | None  # chromium-profile: another user data directory than the browser's own
    command: tuple[str, ...]  # command: the template, split into arguments

    def __init__(
        self,
        mode: str = "default",
        extension: str = "granted-containers",
        color: str | None = None,
        icon: str = DEFAULT_ICON,
        icon_tag: str = DEFAULT_ICON_TAG,
        browser: str = "chromium",
        executable: str | None = None,
        profile_per: str = "role",
        user_data_dir: str | None = None,
        command: tuple[str, ...] = (),
    ) -> None:
        self._init(mode, extension, color, icon, icon_tag, browser, executable, profile_per, user_data_dir, command)
