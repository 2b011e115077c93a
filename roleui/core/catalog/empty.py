"""What to say when there are no roles at all: the hints of `roleui list`, role references and the UI's empty list.

Standard library only: the fast `list` door imports it.
"""

from __future__ import annotations


def no_roles_in(catalog_path: str) -> str:
    """What to do when the catalog file exists and yields no role (`roleui init` never overwrites it)."""
    return (
        f"{catalog_path} lists none: add [[accounts]] with roles, [organizations] or [[identity_center]] "
        "(`roleui init --example` shows the format), or role profiles to ~/.aws/config"
    )
