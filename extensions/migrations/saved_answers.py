"""What the 0.3.0 before-stage migrations share (api_auth, apigw_cloudwatch_role, edge_settings,
stages_deploys, trigger_sources; Copier runs each as a script, so this module is imported from their folder): the
project's answers file, and how one saves answers it lacks, appended with the rest as it was.
None of them ever fails the update: without a readable answers file, they warn and save nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

ANSWERS = Path(".copier-answers.yml")


def append(text: str, answers: Mapping[str, Any]) -> None:
    """Write the answers file's text with ``answers`` appended, one ``key: value`` line each."""
    ANSWERS.write_text(text.rstrip("\n") + "\n" + yaml.safe_dump(dict(answers), sort_keys=False))


def save_missing(to_save: Callable[[dict[str, Any]], Mapping[str, Any]], by_hand: str) -> Mapping[str, Any]:
    """Append the answers ``to_save`` picks, given the saved answers, to the answers file, and return
    them. Without the file, or when it is not YAML, save nothing and warn: ``by_hand`` says what to
    add there by hand."""
    if not ANSWERS.is_file():
        print(f"WARNING: {ANSWERS} not found: {by_hand}", file=sys.stderr)
        return {}
    text = ANSWERS.read_text()
    try:
        answers = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        print(f"WARNING: {ANSWERS} is not YAML ({error}): {by_hand}", file=sys.stderr)
        return {}
    saved = to_save(answers)
    if saved:
        append(text, saved)
    return saved
