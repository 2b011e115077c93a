"""`python -m roleui` is the `roleui` command."""

from roleui.launcher import entrypoint

entrypoint()
