"""Warn about saved answers that broke a rule of the new version and that Copier replaced.

Copier drops a saved answer that fails the new version's validator or choices and, with
``--defaults``, uses the question's default instead, without a word: a `functions` answer that a
new rule rejects becomes the default list and the files of the user's functions go. Copier runs
this after every update (copier.yml ``_migrations``), in the project, before the summary. It
compares the answers of the last commit with the new ones, checks each old one against the new
copier.yml (its validators rendered with this template's own filters), and names every answer
that was replaced, the rule it broke, and how to undo the update. It never fails the update.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import yaml

TEMPLATE = Path(__file__).resolve().parents[2]
ANSWERS = ".copier-answers.yml"


def load_filters() -> jinja2.Environment:
    """A Jinja environment with the template's filters, as Copier loads them (copier.yml)."""
    spec = importlib.util.spec_from_file_location("copier_plugin", TEMPLATE / "extensions/copier_plugin.py")
    assert spec and spec.loader
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    return jinja2.Environment(extensions=[plugin.TemplateFilters], undefined=jinja2.StrictUndefined)


def rule_broken(env: jinja2.Environment, question: dict[str, Any], name: str, answers: dict[str, Any]) -> str:
    """Why answers[name] fails question's validator or choices ("" when it passes or cannot be told)."""
    value = answers[name]
    choices = question.get("choices")
    if isinstance(choices, (list, dict)) and not any("{{" in str(c) for c in choices):
        allowed = [c if isinstance(choices, list) else choices[c] for c in choices]
        allowed = [a["value"] if isinstance(a, dict) else a for a in allowed]
        values = value if question.get("multiselect") and isinstance(value, list) else [value]
        wrong = [v for v in values if v not in allowed]
        if wrong:
            return f"{', '.join(map(str, wrong))} is not one of {', '.join(map(str, allowed))}"
    validator = question.get("validator")
    if not validator:
        return ""
    try:
        return env.from_string(validator).render(answers).strip()
    except jinja2.UndefinedError:
        return ""


def replaced_answers(old: dict[str, Any], new: dict[str, Any], questions: dict[str, Any]) -> list[tuple[str, str]]:
    env = load_filters()
    found = []
    for name, old_value in old.items():
        question = questions.get(name)
        if name.startswith("_") or not isinstance(question, dict) or new.get(name) == old_value:
            continue
        rule = rule_broken(env, question, name, {**new, name: old_value})
        if rule:
            found.append((name, rule))
    return found


def main(project: Path) -> int:
    try:
        shown = subprocess.run(
            ["git", "show", f"HEAD:{ANSWERS}"], cwd=project, capture_output=True, text=True, check=True
        )
        old = yaml.safe_load(shown.stdout) or {}
        new = yaml.safe_load((project / ANSWERS).read_text()) or {}
        questions = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
        found = replaced_answers(old, new, questions)
    except Exception as error:  # a warning must never fail the update
        print(f"WARNING: could not check the saved answers: {error}", file=sys.stderr)
        return 0
    for name, rule in found:
        print(
            f"WARNING: your saved answer `{name}` breaks a rule of this version: {rule}\n"
            f"  The update used `{json.dumps(new.get(name))}` instead "
            "(the default, unless you passed it with -d). To undo the update: "
            "git reset --hard && git clean -fd; then change the answer in .copier-answers.yml, "
            "commit, and update again.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path.cwd()))
