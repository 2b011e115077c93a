"""The demo's catalog: the guide's roles with every option roleui knows, and the organization to discover.

Written to the demo's temporary ROLEUI_CONFIG. It is an ordinary catalog; `roleui check` accepts it.
"""

from __future__ import annotations

from roleui.demo.organization import ORG_ROLES
from roleui.demo.story import (
    ADMIN_ROLE,
    BUCKET,
    EXTERNAL_ID,
    MFA_SERIAL,
    PRODUCTION_ID,
    PRODUCTION_NAME,
    PRODUCTION_PROFILE,
    REGION,
    S3_READ_ROLE,
    SHARED_DATA_ID,
    SHARED_DATA_NAME,
    SUPPORT_PATH,
    SUPPORT_ROLE,
    TOOLING_ID,
    TOOLING_NAME,
    USER_NAME,
)

CATALOG = f"""\
# roleui demo catalog: the AWS AssumeRole guide's accounts and roles, on a local AWS (moto).
# Base credentials: deepak.dev's keys in the tooling account (the environment); profile `{PRODUCTION_PROFILE}` holds
# his keys in the main account. The local AWS stores trust policies but does not enforce them, nor ExternalId
# or MFA codes.

[defaults]
region = "{REGION}"
duration = "1h"
session_name = "{{user}}"
mfa_serial = "{MFA_SERIAL}"
mfa_session_duration = "12h"

[[accounts]]
id = "{TOOLING_ID}"
name = "{TOOLING_NAME}"
aliases = ["account-a"]
tags = {{ environment = "prod", team = "platform" }}
color = "green"

[[accounts]]
id = "{SHARED_DATA_ID}"
name = "{SHARED_DATA_NAME}"
aliases = ["account-b", "data"]
tags = {{ environment = "prod", team = "data" }}
color = "blue"

  # Scenario 1: cross-account, guarded by an ExternalId; session tags and a source identity.
  [[accounts.roles]]
  name = "{S3_READ_ROLE}"
  description = "Read-only on s3://{BUCKET}"
  external_id = "{EXTERNAL_ID}"
  session_tags = {{ team = "data", environment = "prod" }}
  transitive_tag_keys = ["team"]
  source_identity = "{USER_NAME}"

[[accounts]]
id = "{PRODUCTION_ID}"
name = "{PRODUCTION_NAME}"
aliases = ["production", "prod"]
tags = {{ environment = "prod", team = "platform" }}
color = "red"

  # Scenario 2: an elevated role in the same account, MFA required, confirmed before assuming.
  [[accounts.roles]]
  name = "{ADMIN_ROLE}"
  description = "Administrator access; MFA required"
  source_profile = "{PRODUCTION_PROFILE}"
  mfa = true
  confirm = true

  # Scenario 3: role chaining from AdminAccessRole (AWS caps chained sessions at 1 h).
  [[accounts.roles]]
  name = "{SUPPORT_ROLE}"
  path = "{SUPPORT_PATH}"
  description = "Read-only CloudWatch Logs and metrics in production"
  via = "{PRODUCTION_NAME}/{ADMIN_ROLE}"
  duration = "1h"
  color = "orange"

[organizations]
enabled = true
roles = [{", ".join(f'"{role}"' for role in ORG_ROLES)}]

  [[organizations.rules]]
  tags = {{ environment = "prod" }}
  color = "red"
  confirm = true

  [[organizations.rules]]
  tags = {{ environment = "staging" }}
  color = "orange"

  [[organizations.rules]]
  tags = {{ environment = "dev" }}
  color = "green"

# deepak.dev's Identity Center assignments (the demo's local stand-in of the access portal), discovered at start.
[[identity_center]]
sso_session = "demo"

  [[identity_center.rules]]
  accounts = ["*-prod"]
  color = "red"
  confirm = true
"""
