"""Keep each deployed API's auth: save api_auth: none in the answers.

From 0.3.0, every apigw-rest and apigw-http function has an authorizer: its functions entry's
`auth`, else the new answer `api_auth`, whose default is `cognito` (a user pool the stack creates).
Before 0.3.0 those APIs were public. An update must not put a deployed API behind a sign-in its
callers cannot pass: Copier runs this before rendering the new version (copier.yml
``_migrations``, stage "before", version 0.3.0), in the project, and when the saved `functions`
answer has an API function it saves `api_auth: none` in the answers file, where a later `--data
functions=...` leaves it. A functions entry's own `auth` still wins. Running it twice changes
nothing. It never fails the update.
"""

from __future__ import annotations

import sys
from typing import Any

from saved_answers import ANSWERS, save_missing

KEY = "api_auth"
API_KINDS = ("apigw-rest", "apigw-http")


def public_apis(answers: dict[str, Any]) -> list[str]:
    functions = answers.get("functions")
    entries = functions if isinstance(functions, list) else []
    return [str(f.get("name")) for f in entries if isinstance(f, dict) and f.get("event") in API_KINDS]


def main() -> int:
    apis: list[str] = []  # the APIs kept public, as the saved answers name them

    def to_save(answers: dict[str, Any]) -> dict[str, str]:
        apis.extend(public_apis(answers))
        return {} if KEY in answers or not apis else {KEY: "none"}

    if not save_missing(to_save, f"{KEY}: none was not saved; add it there by hand"):
        return 0
    print(
        f"Kept the public APIs of {', '.join(apis)}: {KEY}: none is saved in {ANSWERS}. To put "
        "them behind an authorizer (0.3.0, Added), run make update DATA='api_auth=cognito' (or iam, jwt, "
        "lambda), or set auth in their functions entries; tell their callers first."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
