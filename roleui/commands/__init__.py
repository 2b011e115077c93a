"""One module per `roleui` subcommand, each with `register(subparsers)` and `run(args) -> int`.

Modules import heavy things (boto3, textual) inside `run`, never at the top, so parsing stays light.
"""
