"""`roleui check`: validate the catalog and the AWS config role profiles; every problem in one run."""

from __future__ import annotations

import argparse
import sys

from roleui.core.errors import EXIT_OK
from roleui.core.models import Source


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser(
        "check",
        help="validate the catalog (every problem, with file and line)",
        description="Validate the catalog and ~/.aws/config role profiles. Exit 0 when clean, 2 with every problem listed.",
    )


def run(args: argparse.Namespace) -> int:
    from roleui.aws.sources import load_world

    catalog = load_world(args.config, strict=True)
    from_aws = catalog.count(Source.AWS_CONFIG)
    where = catalog.aws_config_path or "~/.aws/config"
    print(f"OK: {len(catalog.accounts)} accounts, {len(catalog.roles)} roles ({from_aws} from {where})")
    if catalog.path is None:
        print("note: no catalog file; create one (see config.example.toml) or pass --config", file=sys.stderr)
    return EXIT_OK
