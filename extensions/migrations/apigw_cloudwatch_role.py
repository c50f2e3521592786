"""Keep REST API logging as it was: save the apigw_cloudwatch_role answer of a project from before 0.3.0.

From 0.3.0, REST APIs write access and execution logs by default, which API Gateway accepts only
once the account and region have its CloudWatch Logs role; the new answer `apigw_cloudwatch_role`
says where that role comes from, and its default (`stack`) deploys it in a stack of its own. An
update must neither make a project's next deploy fail nor change an account-wide setting behind
its owners' backs: Copier runs this before rendering the new version (copier.yml
``_migrations``, stage "before", version 0.3.0), in the project, and it saves
`apigw_cloudwatch_role: account` when the project turned REST logging on by hand
(`apiAccessLogging: true` or `apiExecutionLogging: true` in infrastructure/lib/service-config.ts,
which needed the role), and `none` otherwise, which keeps the logs off. A project without a REST
function (or without the CDK app) has nothing to keep: a REST function it adds later gets the
new default. Running it twice changes nothing. It never fails the update.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from saved_answers import ANSWERS, save_missing

SERVICE_CONFIG = Path("infrastructure/lib/service-config.ts")
KEY = "apigw_cloudwatch_role"
# How projects before 0.3.0 turned REST API logging on, once their account had the role.
LOGGING_ON = re.compile(r"^\s*api(Access|Execution)Logging\s*:\s*true\b", re.MULTILINE)


def saved_answer() -> str:
    """`account` when the project logs REST APIs already (so its account has the role), else `none`."""
    if SERVICE_CONFIG.is_file() and LOGGING_ON.search(SERVICE_CONFIG.read_text()):
        return "account"
    return "none"


def has_rest_api(answers: dict[str, object]) -> bool:
    functions = answers.get("functions")
    return (
        answers.get("iac", "cdk") == "cdk"
        and isinstance(functions, list)
        and any(isinstance(f, dict) and f.get("event") == "apigw-rest" for f in functions)
    )


def main() -> int:
    saved = save_missing(
        lambda answers: {} if KEY in answers or not has_rest_api(answers) else {KEY: saved_answer()},
        f"{KEY} was not saved; add {KEY}: none there by hand",
    )
    if not saved:
        return 0
    if saved[KEY] == "account":
        print(
            f"REST API logging stays on, with the CloudWatch Logs role your account has: {KEY}: account "
            f"is saved in {ANSWERS}."
        )
    else:
        print(
            f"REST APIs still write no access or execution logs: {KEY}: none is saved in {ANSWERS}. To "
            f"turn them on (0.3.0, Added), run make update DATA='{KEY}=stack' (this project's CDK app "
            f"deploys the account's API Gateway CloudWatch Logs role), or {KEY}=account when the account "
            "has the role."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
