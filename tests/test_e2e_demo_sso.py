"""`roleui demo` end to end with IAM Identity Center: the demo's SSO profile is a permission set that Enter / `s`
assume through the local Identity Center (deepak.dev is signed in at start), and the aws CLI in the subshell is
that permission set's session."""

from __future__ import annotations

import pytest

from tests._e2e_helpers import Terminal
from tests.test_e2e_demo import demo, has_countdown, show_only, tmpdir_of_demo

pytestmark = pytest.mark.e2e
__all__ = ["demo", "tmpdir_of_demo"]  # the fixtures, shared with the other demo tests


def test_s_on_a_permission_set_opens_a_subshell_where_aws_is_the_sso_session(demo: Terminal) -> None:
    show_only(demo, "AdministratorAccess")
    demo.press("escape", "s")
    demo.wait_for("(roleui ")
    demo.type("aws sts get-caller-identity --query Arn --output text\r")
    demo.wait_for("assumed-role/AWSReservedSSO_AdministratorAccess_", "/deepak.dev")
    demo.type("aws s3 ls; echo s3-exit=$?\r")
    demo.wait_for("s3-exit=0")
    demo.type("exit\r")
    screen = demo.wait_until(
        "the app redrawn with the permission set's session",
        lambda s: "s3-exit" not in s and "Sessions (1)" in s and "q quit" in s,
    )
    assert has_countdown("AdministratorAccess")(screen)
    demo.press("q")
    assert demo.wait_for_exit() == 0
