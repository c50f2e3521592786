"""Keep a deployed project's one stack and its triggers: save stages and deployment as they were before 0.3.0.

From 0.3.0, a new project's CDK app has a stack per stage (the new answer `stages`, default
dev,prod: stacks <project>-dev and <project>-prod) and gives every function a version and a `live`
alias that its triggers invoke (the new answer `deployment`, default all-at-once). An update must
not rename the stack a project deployed as <project>, which would deploy new stacks next to it and
orphan it, nor move its triggers, which would replace them. Copier runs this before rendering the
new version (copier.yml ``_migrations``, stage "before", version 0.3.0), in the project, and it
saves `stages: ''` (one stack named after the project) and `deployment: none` (no alias) for a
project with the CDK app, unless the answers file has them already. It says how to move to each.
Running it twice changes nothing. It never fails the update.
"""

from __future__ import annotations

import sys
from typing import Any

from saved_answers import ANSWERS, save_missing

# What the CDK app of a project from before 0.3.0 deploys, as answers.
BEFORE = {"stages": "", "deployment": "none"}


def answers_to_keep(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to save so that the new version deploys the project's stack as before."""
    if answers.get("iac", "cdk") != "cdk":
        return {}
    return {key: value for key, value in BEFORE.items() if key not in answers}


def main() -> int:
    keep = save_missing(
        answers_to_keep,
        "stages and deployment were not saved; add stages: '' and deployment: none there by hand to keep "
        "the deployed stack",
    )
    if "stages" in keep:
        print(
            f"Kept the one stack named after the project: stages: '' is saved in {ANSWERS}. Stages (0.3.0, "
            "Added) deploy new stacks <project>-<stage> next to it: add them with make update "
            "DATA='stages=dev,prod', then move the data and delete the old stack yourself."
        )
    if "deployment" in keep:
        print(
            f"Kept the triggers on the functions themselves: deployment: none is saved in {ANSWERS}. For a live "
            "alias and gradual deploys (0.3.0, Added), run make update DATA='deployment=all-at-once' (or "
            "canary, linear): the next deploy replaces each trigger with one on the alias."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
