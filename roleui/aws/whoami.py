"""`python -m roleui.aws.whoami SOURCE_PROFILE REGION`: who the base credentials are, as one JSON line, for the UI.

The UI names the base identity in its header as soon as it can. Asking STS needs botocore: ~25 MB resident for
good and ~250 ms of import and setup holding the GIL, right when the user starts typing. This child process does
it on the other core, prints `{"account", "arn", "user_id"}` or `{"error", "exit"}`, and exits; the UI stays
small and responsive until its first assume (Engine.base_identity(in_child=True) runs it). The answer is also
remembered in the credential cache, so that first assume is one round trip (roleui/aws/engine.py). The arguments are
the catalog's `defaults.source_profile` and `defaults.region`, "" when unset: all the question depends on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    from roleui.aws.engine import Engine
    from roleui.core.errors import RoleuiError
    from roleui.core.models import Catalog, Defaults

    profile, region = [*argv, "", ""][:2]
    defaults = Defaults(source_profile=profile or None, region=region or None)
    try:
        identity = Engine(Catalog(defaults=defaults)).base_identity()
    except RoleuiError as error:
        answer: dict[str, object] = {"error": error.message.splitlines()[0], "exit": error.exit_code}
    except Exception as error:  # a bug; the UI shows one line, never a traceback
        answer = {"error": f"unexpected {type(error).__name__}", "exit": 1}
    else:
        answer = {"account": identity.account, "arn": identity.arn, "user_id": identity.user_id}
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
