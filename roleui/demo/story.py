"""The names of the demo's story, from the AWS AssumeRole guide: who, which accounts, which roles, which bucket.

One place for them, so the seeded world, the demo catalog, the tests and the README all say the same thing.
"""

from __future__ import annotations

REGION = "us-east-1"

# Account A: where the developer and his access key live (the demo's base credentials).
TOOLING_ID = "111111111111"
TOOLING_NAME = "tooling"
USER_NAME = "deepak.dev"
USER_ARN = f"arn:aws:iam::{TOOLING_ID}:user/{USER_NAME}"

# Account B: the shared data and the role that reads it, guarded by an ExternalId.
SHARED_DATA_ID = "222222222222"
SHARED_DATA_NAME = "shared-data"
BUCKET = "my-shared-bucket"
S3_READ_ROLE = "CrossAccountS3ReadOnly"
EXTERNAL_ID = "my-secret-external-id-1234"

# The main (production) account: deepak.dev has a user there too, with his MFA device (profile `main`); he
# switches to AdminAccessRole in the same account with MFA, and from it chains into ProdSupportRole.
PRODUCTION_ID = "123456789012"
PRODUCTION_NAME = "main"
PRODUCTION_PROFILE = "main"
MAIN_USER_ARN = f"arn:aws:iam::{PRODUCTION_ID}:user/{USER_NAME}"
MFA_SERIAL = f"arn:aws:iam::{PRODUCTION_ID}:mfa/{USER_NAME}"
ADMIN_ROLE = "AdminAccessRole"
SUPPORT_ROLE = "ProdSupportRole"
SUPPORT_PATH = "/support/"
LOG_GROUPS = ("/prod/checkout-api", "/prod/payments-worker")

# What `aws s3 ls s3://my-shared-bucket/` shows (plus the `reports/` prefix).
BUCKET_OBJECTS: dict[str, str] = {
    "README.txt": "Shared data for the tooling account. Read-only through CrossAccountS3ReadOnly.\n",
    "customers.csv": "id,name,country\n1,Ada Lovelace,GB\n2,Grace Hopper,US\n3,Katherine Johnson,US\n",
    "orders-2024-q1.csv": "order_id,customer_id,total\n1001,1,42.00\n1002,3,17.50\n1003,2,99.90\n",
    "reports/2024/summary.json": '{"orders": 3, "revenue": 159.40}\n',
}


def role_arn(account_id: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account_id}:role{path}{name}"
