"""`python -m roleui` is the `roleui` command."""

from roleui.cli import entrypoint

entrypoint()
