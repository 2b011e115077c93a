"""The Textual terminal UI (imports textual; the CLI imports it only when the UI opens)."""
