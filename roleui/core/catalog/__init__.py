"""The TOML catalog: parsing and checking it, line numbers for its keys, role references, UI keys."""
