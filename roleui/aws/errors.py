"""AWS and botocore failures turned into one-line RoleuiErrors that say what to do, with a documented exit status.

`aws_error` is given what roleui was doing and with which base identity, so the line names both. Anything
AWS echoes back is passed through `redact` with the secrets of the call (ExternalId, MFA code, keys), so no
secret ever reaches the screen or a log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from roleui.core.errors import (
    EXIT_ACCESS_DENIED,
    EXIT_CREDENTIALS,
    EXIT_FAILURE,
    EXIT_NETWORK,
    EXIT_THROTTLED,
    EXIT_USAGE,
    RoleuiError,
)

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "LimitExceededException",
    }
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
INVALID_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "InvalidToken",
        "AuthFailure",
    }
)
SKEW_CODES = frozenset(
    {"SignatureDoesNotMatch", "RequestExpired", "InvalidSignatureException", "RequestTimeTooSkewed", "AuthFailure"}
)
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


@dataclass(frozen=True)
class Call:
    """What roleui was doing when a call failed: the words of the message."""

    doing: str  # "assuming shared-data/ReadOnly"
    base: str  # "profile tooling", "environment credentials AKIA...", "the session of tooling/JumpRole"
    caller: str | None = None  # the caller's ARN when known
    role_arn: str | None = None  # set for AssumeRole: AccessDenied then lists the usual causes
    mfa_serial: str | None = None
    region: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)


def encodings(secret: str) -> set[str]:
    """Every spelling of `secret` a message can carry: raw, percent-encoded (`quote` and `quote_plus`, with and
    without `/` kept, upper- and lower-case hex), JSON-escaped (ASCII or not), and each of those percent-encoded
    once more (a query string inside a URL)."""
    from urllib.parse import quote, quote_plus

    json_forms = {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    forms = {secret, *json_forms}
    for form in list(forms):
        for encode in (quote, quote_plus):
            for safe in ("", "/"):
                encoded = encode(form, safe=safe)
                forms |= {encoded, encoded.lower(), encode(encoded, safe=safe)}
    return {f for f in forms if len(f) >= 2}


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret value replaced by `***` (AWS messages sometimes echo parameter values), in every
    encoding `encodings` knows, longest first so a longer spelling is not half-replaced by a shorter one."""
    forms: set[str] = set()
    for secret in secrets:
        if secret and len(secret) >= 2:
            forms |= encodings(secret)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return " ".join(text.split())  # one line


# "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T002000Z - 5 min.)" and
# "Request has expired" / "Signature not yet current": the caller's clock is off, not its credentials.
_SKEW_WORDS = ("signature expired", "not yet current", "request has expired", "time skew", "clock skew")
_STAMP = re.compile(r"\b(\d{8}T\d{6}Z)\b", re.ASCII)


def clock_skew(code: str, message: str) -> str | None:
    """None unless the error says the request's time was off; else how far, in words, when the message tells."""
    said = code in SKEW_CODES and any(word in message.lower() for word in _SKEW_WORDS)
    if not said and code != "RequestTimeTooSkewed":
        return None
    stamps = _STAMP.findall(message)
    if len(stamps) >= 3:  # signed at, earliest accepted, server time
        from datetime import datetime

        try:
            signed, server = (datetime.strptime(s, "%Y%m%dT%H%M%SZ") for s in (stamps[0], stamps[2]))
        except ValueError:  # not dates after all: say what is certain
            return "this computer's clock is off"
        seconds = int((signed - server).total_seconds())
        direction = "behind" if seconds < 0 else "ahead of"
        return f"this computer's clock is {abs(seconds) // 60} min {abs(seconds) % 60} s {direction} AWS's"
    return "this computer's clock is off"


def _client_error(code: str, message: str, call: Call) -> RoleuiError:
    who = call.caller or call.base
    skew = clock_skew(code, message)
    if skew is not None:
        return RoleuiError(
            f"AWS refused the request's time ({code}, {call.doing}): {skew} — set the clock right (enable NTP: "
            "`timedatectl set-ntp true`, or your system's time settings) and try again",
            exit_code=EXIT_CREDENTIALS,
        )
    if code in DENIED_CODES and ("MultiFactorAuthentication" in message or "MFA" in message):
        device = call.mfa_serial or "the MFA device"
        return RoleuiError(
            f"the MFA code for {device} was not accepted ({call.doing}) — wait for the next code and try again; "
            "check the device's clock and mfa_serial",
            exit_code=EXIT_ACCESS_DENIED,
        )
    if code in DENIED_CODES:
        if call.role_arn:
            return RoleuiError(
                f"access denied {call.doing} as {who} — usual causes: the trust policy of {call.role_arn} does not "
                "allow this caller, the ExternalId is missing or wrong, or the role requires MFA (set mfa_serial)",
                exit_code=EXIT_ACCESS_DENIED,
            )
        return RoleuiError(
            f"access denied {call.doing} as {who} — its policies do not allow this call",
            exit_code=EXIT_ACCESS_DENIED,
        )
    if code in EXPIRED_CODES:
        return RoleuiError(
            f"the credentials of {call.base} have expired ({call.doing}) — refresh them (e.g. `roleui login`, "
            "new keys, `roleui forget --all`) and try again",
            exit_code=EXIT_CREDENTIALS,
        )
    if code in INVALID_CODES:
        return RoleuiError(
            f"AWS does not recognise the credentials of {call.base} ({code}, {call.doing}) — check that the access "
            "key exists, is active and belongs to this partition",
            exit_code=EXIT_CREDENTIALS,
        )
    if code == "RegionDisabledException":
        region = call.region or "this region"
        return RoleuiError(
            f"STS is not activated in {region} for the account ({call.doing}) — activate it in IAM > Account "
            "settings, or choose another region (--region or region in the catalog)",
            exit_code=EXIT_FAILURE,
        )
    if code in THROTTLING_CODES:
        from roleui.aws.clients import MAX_ATTEMPTS

        return RoleuiError(
            f"AWS kept throttling {call.doing} after {MAX_ATTEMPTS} attempts with backoff — wait a minute and try again",
            exit_code=EXIT_THROTTLED,
        )
    text = redact(message, call.secrets)
    if code == "PackedPolicyTooLarge":
        return RoleuiError(
            f"AWS refused the session policies and tags {call.doing} as too large once packed (PackedPolicyTooLarge; "
            "AWS's own limit, not checkable offline) — use fewer or shorter policies, ARNs or session tags",
            exit_code=EXIT_USAGE,
        )
    if code in ("ValidationError", "InvalidParameterValue", "MalformedPolicyDocument", "PackedPolicyTooLarge"):
        return RoleuiError(
            f"AWS refused the parameters {call.doing}: {text} — fix them in the catalog or on the command line",
            exit_code=EXIT_USAGE,
        )
    return RoleuiError(f"{call.doing} failed: {code}: {text}", exit_code=EXIT_FAILURE)


def aws_error(error: Exception, call: Call) -> RoleuiError:
    """The RoleuiError for a botocore/boto3 failure (anything else is returned as a generic failure)."""
    from botocore import exceptions as bx

    if isinstance(error, RoleuiError):
        return error
    if isinstance(error, bx.ClientError):
        info = error.response.get("Error", {})
        return _client_error(str(info.get("Code", "Unknown")), str(info.get("Message", "")), call)
    if isinstance(error, bx.NoCredentialsError):
        return RoleuiError(
            f"no base credentials found ({call.base}, {call.doing}) — set source_profile in the catalog or "
            "AWS_PROFILE, or run `aws configure` / `roleui login`",
            exit_code=EXIT_CREDENTIALS,
        )
    if isinstance(error, bx.SSOTokenLoadError | bx.UnauthorizedSSOTokenError | bx.TokenRetrievalError):
        return RoleuiError(
            f"the SSO login of {call.base} is missing or expired ({call.doing}) — run `roleui login` for its sso-session",
            exit_code=EXIT_CREDENTIALS,
        )
    if isinstance(error, bx.ConnectTimeoutError | bx.ReadTimeoutError):
        from roleui.aws.clients import timeouts

        endpoint = getattr(error, "kwargs", {}).get("endpoint_url", "the endpoint")
        connect, read = timeouts()
        return RoleuiError(
            f"{endpoint} did not answer ({call.doing}; timeouts {connect:g} s connect, {read:g} s read) — check the "
            "network, proxy settings and AWS_ENDPOINT_URL",
            exit_code=EXIT_NETWORK,
        )
    if isinstance(
        error, bx.EndpointConnectionError | bx.ConnectionClosedError | bx.ConnectionError | bx.HTTPClientError
    ):
        endpoint = getattr(error, "kwargs", {}).get("endpoint_url", "the endpoint")
        return RoleuiError(
            f"cannot reach {endpoint} ({call.doing}) — check the network, proxy settings and AWS_ENDPOINT_URL",
            exit_code=EXIT_NETWORK,
        )
    if isinstance(error, bx.CredentialRetrievalError | bx.PartialCredentialsError | bx.InvalidConfigError):
        return RoleuiError(
            f"the base credentials ({call.base}) could not be loaded: {redact(str(error), call.secrets)}",
            exit_code=EXIT_CREDENTIALS,
        )
    if isinstance(error, bx.ParamValidationError | bx.NoRegionError):
        return RoleuiError(f"invalid request {call.doing}: {redact(str(error), call.secrets)}", exit_code=EXIT_USAGE)
    if isinstance(error, bx.BotoCoreError):
        return RoleuiError(f"{call.doing} failed: {redact(str(error), call.secrets)}", exit_code=EXIT_FAILURE)
    return RoleuiError(f"{call.doing} failed: {type(error).__name__}: {redact(str(error), call.secrets)}")
