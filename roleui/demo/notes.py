"""What the demo tells people about itself: in `roleui demo --help`, the UI's help screen and its MFA prompt."""

from __future__ import annotations

NOTE = (
    "Demo: a local AWS (moto) on 127.0.0.1 with the AWS AssumeRole guide's accounts; nothing reaches real AWS. "
    "The local AWS does not enforce trust policies, ExternalId or MFA codes (any 6-digit code works), so every "
    "role here can be assumed. "
    "Subshells point the aws CLI at it: try `aws sts get-caller-identity` and `aws s3 ls s3://my-shared-bucket/`. "
    "Console links are built as for real AWS; the federated sign-in goes to a local stand-in page. "
    "A local IAM Identity Center has signed deepak.dev in (sso-session `demo`, profiles sso-dev-admin and "
    "sso-main-readonly): `roleui logout` then `roleui login` go through the real sign-in."
)

MFA_NOTE = "Demo: the local AWS accepts any 6-digit code (e.g. 123456)."

EPILOG = (
    "The demo starts a local AWS (moto) on 127.0.0.1 inside this process, seeded with the AWS AssumeRole guide's "
    "story: user deepak.dev in 111111111111 (the base credentials), bucket my-shared-bucket and role "
    "CrossAccountS3ReadOnly (ExternalId) in 222222222222, AdminAccessRole (MFA) and ProdSupportRole (chained) in "
    "123456789012, and an organization of tagged accounts in OUs. Real AWS credentials in the environment are "
    "ignored and not passed on. The local AWS stores trust policies but does not enforce them, nor ExternalId or "
    "MFA codes: any 6-digit code works. Console switch-role links point at the real console; --federated "
    "sign-in uses a local stand-in endpoint. A local IAM Identity Center (sso-oidc and the access portal) "
    "assigns deepak.dev AdministratorAccess in the dev accounts and ReadOnlyAccess in every account, and signs "
    "him in at start: the demo's ~/.aws/config has [sso-session demo] and two SSO profiles, and its HOME is the "
    "demo's own. Quitting stops the servers and removes their temporary files."
)
