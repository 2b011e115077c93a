"""roleui: switch AWS roles from a terminal."""

__version__ = "0.1.0"
