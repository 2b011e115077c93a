"""IAM's own "revoke active sessions": an inline deny on the role for every session issued before now.

The IAM console's "Revoke active sessions" puts the inline role policy `AWSRevokeOlderSessions`, which denies every
action when `aws:TokenIssueTime` is before the moment of revocation; sessions issued afterwards are unaffected.
roleui writes the same policy (replacing an older one: its time moves forward) with the credentials of a session of
the role's own account. moto stores the policy but does not enforce it; real AWS does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from roleui.core.sessions.session import Credentials
from roleui.core.timefmt import format_time

POLICY_NAME = "AWSRevokeOlderSessions"


def revoke_document(now: datetime) -> dict[str, Any]:
    """The console's policy: deny everything to tokens issued before `now` (ISO 8601, UTC)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": format_time(now)}},
            }
        ],
    }


def revoke_older_sessions(credentials: Credentials, role_name: str, now: datetime, region: str, doing: str) -> None:
    """PutRolePolicy AWSRevokeOlderSessions on `role_name`, as the holder of `credentials`; RoleuiError on failure."""
    from botocore.session import Session

    from roleui.aws.clients import make_client
    from roleui.aws.errors import Call, aws_error

    session = Session()
    session.set_credentials(credentials.access_key_id, credentials.secret_access_key, credentials.session_token)
    try:
        iam = make_client(session, "iam", region)
        iam.put_role_policy(RoleName=role_name, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(revoke_document(now)))
    except Exception as error:
        raise aws_error(error, Call(doing=doing, base=f"a session of {role_name}", region=region)) from None
