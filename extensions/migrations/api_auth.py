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

import yaml
from saved_answers import ANSWERS, append

KEY = "api_auth"
API_KINDS = ("apigw-rest", "apigw-http")


def main() -> int:
    if not ANSWERS.is_file():
        print(f"WARNING: {ANSWERS} not found: {KEY}: none was not saved; add it there by hand", file=sys.stderr)
        return 0
    text = ANSWERS.read_text()
    try:
        answers = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        print(f"WARNING: {ANSWERS} is not YAML ({error}): add {KEY}: none there by hand", file=sys.stderr)
        return 0
    functions = answers.get("functions")
    entries = functions if isinstance(functions, list) else []
    apis = [f.get("name") for f in entries if isinstance(f, dict) and f.get("event") in API_KINDS]
    if KEY in answers or not apis:
        return 0
    append(text, {KEY: "none"})
    print(
        f"Kept the public APIs of {', '.join(map(str, apis))}: {KEY}: none is saved in {ANSWERS}. To put "
        "them behind an authorizer (0.3.0, Added), run make update DATA='api_auth=cognito' (or iam, jwt, "
        "lambda), or set auth in their functions entries; tell their callers first."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
