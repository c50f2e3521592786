"""What the 0.3.0 before-stage migrations share (api_auth, apigw_cloudwatch_role, edge_settings,
stages_deploys, trigger_sources; Copier runs each as a script, so this module is imported from their folder): the
project's answers file, and how one saves answers it lacks, appended with the rest as it was."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ANSWERS = Path(".copier-answers.yml")


def append(text: str, answers: Mapping[str, Any]) -> None:
    """Write the answers file's text with ``answers`` appended, one ``key: value`` line each."""
    ANSWERS.write_text(text.rstrip("\n") + "\n" + yaml.safe_dump(dict(answers), sort_keys=False))
