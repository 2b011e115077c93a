"""Pure logic of roleui: models, catalog, validation, durations, references, filtering, expiry maths.

Nothing in this package imports textual, boto3 or botocore (enforced by import-linter and a test), so the CLI
can parse arguments, read the catalog and answer from caches without paying for those imports.
"""
