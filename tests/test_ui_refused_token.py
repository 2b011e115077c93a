"""The UI with a token file another user could have planted: not shown as a sign-in, and the refusal is said."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from _sso_helpers import SSO_CONFIG, SSO_REGION, START_URL, LocalIdentityCenter, local_identity_center
from _ui_helpers import make_app, notifications, settle, wait_for

from roleui.aws.sources import load_world
from roleui.aws.sso_tokens import SsoToken, save_token, token_path
from roleui.core.clock import utc_now


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> Iterator[LocalIdentityCenter]:
    (isolated_env / ".aws").mkdir(mode=0o700, exist_ok=True)  # beside the default profile
    (isolated_env / ".aws" / "config").write_text(SSO_CONFIG)
    yield from local_identity_center(aws, monkeypatch)


async def test_a_token_others_can_write_is_not_a_sign_in_and_the_ui_says_why(center: LocalIdentityCenter) -> None:
    save_token(
        SsoToken(START_URL, SSO_REGION, center.directory.issue_access_token(), utc_now() + timedelta(hours=8), "acme")
    )
    path = token_path("acme", START_URL)
    path.chmod(0o666)
    app = make_app(load_world())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: any(f"chmod 600 {path}" in n for n in notifications(app)))
        assert "sso acme signed out (l)" in str(app.header_bar.render())
