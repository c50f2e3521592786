"""Keep what a deployed project's HTTP front doors accept: plain HTTP load balancers, no API throttle.

From 0.3.0, a new project's alb functions serve HTTPS (the new answer `alb_certificate`, which
has no usable default) and its REST and HTTP API stages throttle at 100 requests per second with
a burst of 200 (`api_rate_limit`, `api_burst_limit`). An update must neither fail for want of a
certificate nor start answering 429 to traffic the API served the day before. Copier runs this
before rendering the new version (copier.yml ``_migrations``, stage "before", version 0.3.0), in
the project. It saves `alb_certificate: http-only` when the project has an alb function, and
`api_rate_limit: 10000`, `api_burst_limit: 5000` (the account's default limits, which applied
before) when it has a REST or HTTP API function, unless the answers file has them already. It
says how to move to the new defaults. Running it twice changes nothing. It never fails the update.
"""

from __future__ import annotations

import sys
from typing import Any

from saved_answers import ANSWERS, save_missing

# What each front door had before 0.3.0, as answers.
ALB_BEFORE = {"alb_certificate": "http-only"}
API_BEFORE = {"api_rate_limit": 10000, "api_burst_limit": 5000}


def kinds_of(answers: dict[str, Any]) -> set[str]:
    functions = answers.get("functions")
    if not isinstance(functions, list):
        return set()
    return {f["event"] for f in functions if isinstance(f, dict) and isinstance(f.get("event"), str)}


def answers_to_keep(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to save so that the new version renders the project's front doors as before."""
    kinds = kinds_of(answers)
    keep: dict[str, Any] = {}
    if "alb" in kinds:
        keep |= ALB_BEFORE
    if kinds & {"apigw-rest", "apigw-http"}:
        keep |= API_BEFORE
    return {key: value for key, value in keep.items() if key not in answers}


def main() -> int:
    keep = save_missing(answers_to_keep, "the load balancers and API stages take 0.3.0's defaults")
    if "alb_certificate" in keep:
        print(
            f"Kept plain HTTP on the load balancers: alb_certificate: http-only is saved in {ANSWERS}, and every "
            "synth warns. To serve HTTPS (0.3.0, Added), run make update DATA='alb_certificate=<ACM certificate ARN>'."
        )
    if "api_rate_limit" in keep:
        print(
            f"Kept the API stages unthrottled below the account's limits: api_rate_limit: 10000 and api_burst_limit: "
            f"5000 are saved in {ANSWERS}. For 0.3.0's defaults (100 per second, burst 200), run "
            "make update ARGS='--data api_rate_limit=100 --data api_burst_limit=200', or edit apiThrottle in "
            "infrastructure/lib/service-config.ts."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
