"""Keep each consumer's own trigger: save consumer_source: own in the answers.

From 0.3.0, an sqs, dynamodb-stream, sns, s3, kinesis or eventbridge function reads the project's
own queue, table stream, topic, bucket, stream or event bus by default when aws_services has that
service (the new answer
`consumer_source`, default service); before 0.3.0 each had a resource of its own. An update must
not rewire a deployed system: Copier runs this before rendering the new version (copier.yml
``_migrations``, stage "before", version 0.3.0), in the project, and it saves
`consumer_source: own` in the answers file, where a later `--data functions=...` leaves it. A
functions entry's own `source` still wins. Running it twice changes nothing. It never fails the
update.
"""

from __future__ import annotations

import sys

from saved_answers import ANSWERS, save_missing

KEY = "consumer_source"


def main() -> int:
    saved = save_missing(
        lambda answers: {} if KEY in answers else {KEY: "own"}, f"{KEY}: own was not saved; add it there by hand"
    )
    if not saved:
        return 0
    print(
        f"Kept the consumers' own triggers: {KEY}: own is saved in {ANSWERS}. To have the sqs, "
        "dynamodb-stream, sns, s3, kinesis and eventbridge functions read the project's resources "
        f"(0.3.0, Added), run make update DATA='{KEY}=service', or set source: service in a functions entry."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
