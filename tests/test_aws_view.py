"""The child's AWS view, as text: what is taken out of the user's files, what a local walk of the SDKs'
precedence says wins, and what the exports unset (roleui/core/sessions/aws_view.py, session_env.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from roleui.core.sessions.aws_view import OUTER_DEFAULT, Source, resolve, sources_default, strip_default
from roleui.core.sessions.session import Credentials, Session
from roleui.core.sessions.session_env import export_script, session_env

SESSION = Session(
    role_key="shared-data/Reader",
    role_arn="arn:aws:iam::222222222222:role/Reader",
    account_id="222222222222",
    assumed_role_arn="arn:aws:sts::222222222222:assumed-role/Reader/deepak",
    session_name="deepak",
    credentials=Credentials("ASIAKEY", "secret", "token", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)),
    region="eu-west-1",
)

CONFIG = """\
# my AWS config
[default]
region = eu-west-1
credential_process = op-aws --account main
  --vault Private
output = json

[profile jump]
role_arn = arn:aws:iam::111111111111:role/JumpRole
source_profile = default

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
"""


def test_only_the_default_profiles_credential_keys_leave_the_config_file() -> None:
    stripped = strip_default(CONFIG, config=True)
    assert stripped.removed == ("credential_process",)
    assert stripped.text == CONFIG.replace(
        "credential_process = op-aws --account main\n  --vault Private\n", ""
    ).replace("source_profile = default", f"source_profile = {OUTER_DEFAULT}")


def test_a_profile_that_sources_the_default_one_reads_a_copy_of_its_keys() -> None:
    assert sources_default(CONFIG)
    stripped = strip_default(CONFIG, config=True, outer=True)
    assert stripped.text.endswith(
        f"[profile {OUTER_DEFAULT}]\ncredential_process = op-aws --account main\n  --vault Private\n"
    )
    credentials = "[default]\nAWS_ACCESS_KEY_ID = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key=s3cret\n[other]\nx = 1\n"
    kept = strip_default(credentials, config=False, outer=True)
    assert kept.removed == ("aws_access_key_id", "aws_secret_access_key")
    assert kept.text == (
        "[default]\n[other]\nx = 1\n"
        f"[{OUTER_DEFAULT}]\nAWS_ACCESS_KEY_ID = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key=s3cret\n"
    )


def test_a_file_without_default_credentials_is_left_as_it_is() -> None:
    text = "[default]\nregion = us-east-1\n[profile default-ish]\naws_access_key_id = A\n"
    assert strip_default(text, config=True).text == text
    assert strip_default("[profile default]\nrole_arn = r\nsource_profile = base\n", config=True).removed == (
        "role_arn",
        "source_profile",
    )


def test_the_local_walk_follows_botocores_precedence() -> None:
    endpoint = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/x"}
    keys = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n"
    assert resolve(endpoint, "", "") == Source("endpoint", "http://127.0.0.1:1/x")
    assert (
        resolve(endpoint, "", keys).description
        == "~/.aws/credentials [default] has keys: aws_access_key_id, aws_secret_access_key"
    )
    assert resolve(endpoint, CONFIG, "").description == "~/.aws/config [default] has credential_process"
    web = {**endpoint, "AWS_ROLE_ARN": "arn:aws:iam::1:role/Ci", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}
    assert resolve(web, CONFIG, keys).kind == "web-identity"
    assert resolve({**endpoint, "AWS_PROFILE": "jump"}, CONFIG, "").description.endswith(
        "assumes arn:aws:iam::111111111111:role/JumpRole"
    )
    relative = {**endpoint, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"}
    assert resolve(relative, "", "").kind == "container"
    assert resolve({**endpoint, "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B"}, "", "").kind == "environment"


OUTER = {
    "AWS_PROFILE": "dev",
    "AWS_ROLE_ARN": "arn:aws:iam::1:role/Ci",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/t",
    "AWS_ROLE_SESSION_NAME": "ci",
    "AWS_VAULT": "base",
    "GRANTED_AWS_ROLE_PROFILE": "dev",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x",
    "AWS_REGION": "us-west-2",
}


def test_the_session_environment_and_the_exports_drop_every_competing_variable() -> None:
    env = session_env(SESSION, OUTER)
    assert not {k for k in OUTER if k != "AWS_REGION"} & set(env)
    script = export_script(SESSION, "sh", OUTER)
    for name in OUTER:
        if name != "AWS_REGION":
            assert f"unset {name}\n" in script
    pasted = export_script(SESSION, "sh")  # the UI's `y`: the other terminal's variables are unknown
    assert "unset AWS_ROLE_ARN\n" in pasted
    assert "unset GRANTED_SSO\n" in pasted
