"""A local stand-in for IAM Identity Center: its OIDC API (`sso-oidc`) and its portal API (`sso`).

moto has neither, so the demo and the tests run this one: `directory.py` holds the state and the rules (clients,
device codes, PKCE codes, tokens, assignments), `server.py` answers HTTP exactly as botocore's service models
describe, and `minting.py` turns a permission set into credentials through the local AWS's STS.
"""

from roleui.demo.identity_center.directory import Assignment, Directory, Lifetimes
from roleui.demo.identity_center.server import IdentityCenterServer

__all__ = ["Assignment", "Directory", "IdentityCenterServer", "Lifetimes"]
