"""Write catalog/template.yaml, the Backstage Software Template of this template, from copier.yml.

copier.yml stays the one source of the questions: each becomes a form field with its help text,
choices, default and, where its validator is a pattern or a range, the same pattern or range
(taken from extensions/validators.py, not copied). The sections of copier.yml become the form's
pages. A `when` that only reads answers of the same page becomes a JSON-schema if/then, so the
field appears only when Copier would ask it; the others (those that look into the functions list,
or at another page) stay visible with the condition in their help, and Copier ignores them then.
Fields the user leaves empty fall back to Copier's own default (the action drops empty values and
runs copier with --defaults), which is how defaults computed from other answers survive.

    .venv/bin/python scripts/backstage_template.py          # rewrite catalog/template.yaml
    .venv/bin/python scripts/backstage_template.py --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extensions import validators as v  # noqa: E402
from extensions.catalog import TEMPLATE_REF  # noqa: E402
from extensions.events import AUTH_MODES, CATALOGUE  # noqa: E402
from extensions.plan import SOURCES  # noqa: E402

OUTPUT = ROOT / "catalog" / "template.yaml"
# The scaffolder action of catalog/src/copierAction.ts.
ACTION_ID = "go-lambda-template:copier"
HEADER = "# Generated from copier.yml by scripts/backstage_template.py (make catalog). Do not edit.\n"
# Answers the form does not offer: the catalog:register step needs the project's catalog-info.yaml.
FIXED_VALUES: dict[str, Any] = {"catalog_info": True}
SECTION = re.compile(r"^# --- (.+?) -+\s*$")
QUESTION_KEY = re.compile(r"^([a-z][a-z0-9_]*):")
VALIDATOR_FILTER = re.compile(r"\|\s*([a-z_]+)")
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# One term of a `when` the form can evaluate: `name` or `name == 'value'`.
WHEN_TERM = re.compile(r"^([a-z_]+)(?:\s*==\s*'([^']*)')?$")


def anchored(*alternatives: re.Pattern[str] | str) -> str:
    """One ECMAScript pattern matching the whole value against any alternative: a pattern of the
    validators, or a literal ("" for empty)."""
    parts = [
        a.pattern.removeprefix("^").removesuffix("$") if isinstance(a, re.Pattern) else literal(a) for a in alternatives
    ]
    return "^(?:" + "|".join(parts) + ")$"


def literal(text: str) -> str:
    # re.escape escapes "-" too, which ECMAScript's unicode mode (the form's) refuses outside [].
    return re.sub(r"([\\^$.|?*+()\[\]{}/])", r"\\\1", text)


def optional(pattern: str) -> str:
    """The pattern or empty: a field whose question Copier may not ask must accept no answer."""
    return pattern if pattern.startswith("^(?:|") else "^(?:|" + pattern.removeprefix("^(?:")


# The validators that are patterns or ranges, by their filter name in copier.yml.
PATTERNS: dict[str, dict[str, Any]] = {
    "project_name_error": {"pattern": anchored(v.PROJECT_NAME), "maxLength": v.MAX_NAME},
    "aws_region_error": {"pattern": anchored(v.AWS_REGION)},
    "security_contact_error": {"pattern": anchored("", v.SECURITY_EMAIL, v.SECURITY_URL)},
    "alarm_notify_error": {"pattern": anchored("", v.EMAIL, v.SNS_TOPIC_ARN)},
    "alb_certificate_error": {"pattern": anchored(v.ACM_CERTIFICATE_ARN, v.DOMAIN_NAME, v.HTTP_ONLY)},
    "alb_hosted_zone_id_error": {"pattern": anchored(v.HOSTED_ZONE_ID)},
    "jwt_issuer_error": {"pattern": anchored("", v.JWT_ISSUER)},
    "jwt_audience_error": {"pattern": anchored("", v.JWT_AUDIENCE)},
    "catalog_owner_error": {"pattern": anchored(v.ENTITY_REF)},
    "catalog_system_error": {"pattern": anchored("", v.ENTITY_NAME), "maxLength": v.MAX_ENTITY_NAME},
    "api_rate_limit_error": {"minimum": v.API_RATE_RANGE[0], "maximum": v.API_RATE_RANGE[1]},
    "api_burst_limit_error": {"minimum": v.API_BURST_RANGE[0], "maximum": v.API_BURST_RANGE[1]},
}
TYPES = {"str": "string", "int": "integer", "bool": "boolean"}


def sections(text: str) -> list[tuple[str, list[str]]]:
    """copier.yml's sections (title, question keys) in order, from its `# --- Title ---` comments."""
    result: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if match := SECTION.match(line):
            result.append((match.group(1), []))
        elif (match := QUESTION_KEY.match(line)) and result:
            result[-1][1].append(match.group(1))
    return [(title, keys) for title, keys in result if keys]


def is_jinja(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def readable(text: str) -> str:
    """Help text without Jinja: {{ name }} reads as <name>."""
    return " ".join(PLACEHOLDER.sub(r"<\1>", text).split())


def sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def when_terms(when: Any, page: list[str]) -> list[tuple[str, Any]] | None:
    """The (question, required value) terms of a `when` of ands over this page's answers, else None."""
    if not is_jinja(when):
        return None
    expression = when.strip().removeprefix("{{").removesuffix("}}").strip()
    terms = []
    for term in expression.split(" and "):
        match = WHEN_TERM.match(term.strip())
        if not match or match.group(1) not in page:
            return None
        terms.append((match.group(1), match.group(2) if match.group(2) is not None else True))
    return terms


def choice_fields(choices: Any) -> dict[str, Any]:
    if isinstance(choices, dict):
        return {"enum": list(choices.values()), "enumNames": list(choices.keys())}
    return {"enum": list(choices)}


# The per-function scaling settings (validators.SCALING_RANGES), as the form explains them.
SCALING_HELP = {
    "reserved_concurrency": "Executions reserved for this function (also its ceiling)",
    "provisioned_concurrency": "Executions its live alias keeps initialized (at most reserved_concurrency)",
    "max_concurrency": "sqs: at most this many concurrent invocations from the queue",
}


def functions_field(questions: dict[str, Any]) -> dict[str, Any]:
    """The functions answer as a repeatable object, one entry per function (FUNCTION_KEYS)."""
    kinds = {value: label for label, value in questions["events"]["choices"].items()}
    services = questions["aws_services"]["choices"]
    properties: dict[str, Any] = {
        "name": {
            "type": "string",
            "title": "name",
            "description": "Becomes cmd/<name>",
            "pattern": anchored(v.FUNCTION_NAME),
            "maxLength": v.MAX_NAME,
        },
        "event": {
            "type": "string",
            "title": "event",
            "enum": list(CATALOGUE),
            "enumNames": [kinds.get(key, key) for key in CATALOGUE],
        },
        "memory": {
            "type": "integer",
            "title": "memory (MB)",
            "minimum": v.MEMORY_RANGE[0],
            "maximum": v.MEMORY_RANGE[1],
        },
        "timeout": {
            "type": "integer",
            "title": "timeout (s)",
            "minimum": v.TIMEOUT_RANGE[0],
            "maximum": v.TIMEOUT_RANGE[1],
        },
        "services": {
            "type": "array",
            "title": "services",
            "description": "The aws_services it uses; none chosen: all of them",
            "uniqueItems": True,
            "items": {"type": "string", **choice_fields(services)},
        },
        "auth": {
            "type": "string",
            "title": "auth",
            "description": "Who may call an API or function URL; empty: api_auth, function_url_auth",
            "enum": list(AUTH_MODES),
        },
        "authorizer": {
            "type": "string",
            "title": "authorizer",
            "description": "With auth lambda: the authorizer function's name",
            "pattern": anchored(v.FUNCTION_NAME),
        },
        "concurrency": {
            "type": "integer",
            "title": "concurrency",
            "description": "sqs: messages processed at once",
            "minimum": v.CONCURRENCY_RANGE[0],
            "maximum": v.CONCURRENCY_RANGE[1],
        },
        "fifo": {"type": "boolean", "title": "fifo", "description": "sqs: a FIFO queue"},
        "source": {
            "type": "string",
            "title": "source",
            "description": "Consumers: the project's resource (service) or their own",
            "enum": list(SOURCES),
        },
        **{
            key: {
                "type": "integer",
                "title": key,
                "description": SCALING_HELP[key],
                "minimum": low,
                "maximum": high,
            }
            for key, (low, high) in v.SCALING_RANGES.items()
        },
    }
    missing = v.FUNCTION_KEYS ^ set(properties)
    if missing:
        raise SystemExit(f"functions entry keys and the form's fields differ: {sorted(missing)}")
    return {
        "type": "array",
        "title": "functions",
        "description": readable(questions["functions"]["help"]) + " No entries: one function per chosen event source.",
        "items": {"type": "object", "required": ["name", "event"], "properties": properties},
    }


def field(key: str, question: dict[str, Any], questions: dict[str, Any], conditional: bool) -> dict[str, Any]:
    if key == "functions":
        return functions_field(questions)
    description = readable(str(question.get("help", key)))
    result: dict[str, Any] = {"title": key}
    choices = question.get("choices")
    if question.get("multiselect"):
        result |= {"type": "array", "uniqueItems": True, "items": {"type": "string", **choice_fields(choices)}}
        result["ui:widget"] = "checkboxes"
    else:
        result["type"] = TYPES[question.get("type", "str")]
        if choices is not None:
            result |= choice_fields(choices)
    default = question.get("default")
    if is_jinja(default):
        shown = (
            readable(default)
            if PLACEHOLDER.fullmatch(default.strip()) is None and not PLACEHOLDER.sub("", default).count("{")
            else ""
        )
        description = (
            sentence(description)
            + f" Leave empty for the default{': ' + shown if shown else ', which follows your other answers'}."
        )
    elif default is not None:
        result["default"] = default
    if (validator := question.get("validator")) and (name := VALIDATOR_FILTER.search(validator)):
        result |= PATTERNS.get(name.group(1), {})
    when = question.get("when")
    if when is not None and not conditional and "pattern" in result:
        result["pattern"] = optional(result["pattern"])
    if when is not None and not conditional and "pattern" in result:
        result["pattern"] = optional(result["pattern"])
    if when is not None and not conditional:
        description = sentence(description) + f" Used only when {readable(str(when)).strip('{} ')}."
    result["description"] = description
    if key == "catalog_owner":
        result["ui:field"] = "OwnerPicker"
    return result


def page(title: str, keys: list[str], questions: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    conditions: list[dict[str, Any]] = []
    for key in keys:
        question = questions[key]
        if key in FIXED_VALUES or question.get("ask") is False or question.get("when") is False:
            continue
        terms = when_terms(question.get("when"), keys)
        schema = field(key, question, questions, conditional=terms is not None)
        if terms is None:
            properties[key] = schema
            continue
        conditions.append(
            {
                "if": {
                    "properties": {name: {"const": value} for name, value in terms},
                    "required": [name for name, _ in terms],
                },
                "then": {"properties": {key: schema}},
            }
        )
    result: dict[str, Any] = {"title": title, "properties": properties}
    if conditions:
        result["allOf"] = conditions
    return result


def asked(page_schema: dict[str, Any]) -> list[str]:
    keys = list(page_schema["properties"])
    for condition in page_schema.get("allOf", []):
        keys += list(condition["then"]["properties"])
    return keys


def template(copier_text: str) -> dict[str, Any]:
    questions = {key: value for key, value in yaml.safe_load(copier_text).items() if not key.startswith("_")}
    pages = [page(title, keys, questions) for title, keys in sections(copier_text)]
    pages = [p for p in pages if asked(p)]
    values: dict[str, Any] = {key: f"${{{{ parameters.{key} }}}}" for p in pages for key in asked(p)}
    values |= FIXED_VALUES
    pages.append(
        {
            "title": "Repository",
            "required": ["repoUrl"],
            "properties": {
                "repoUrl": {
                    "title": "Repository",
                    "description": "Where the new project is published (GitHub)",
                    "type": "string",
                    "ui:field": "RepoUrlPicker",
                    "ui:options": {"allowedHosts": ["github.com"]},
                }
            },
        }
    )
    return {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {
            "name": TEMPLATE_REF.rpartition("/")[2],
            "title": "Go AWS Lambda service",
            "description": (
                "Go functions on AWS Lambda (provided.al2023, arm64) with CDK, a Makefile, local runs and CI,"
                " kept current with copier update"
            ),
            "tags": ["go", "aws-lambda", "copier"],
        },
        "spec": {
            "type": "service",
            "parameters": pages,
            "steps": [
                {
                    "id": "generate",
                    "name": "Generate the project with Copier",
                    "action": ACTION_ID,
                    "input": {"values": values},
                },
                {
                    "id": "publish",
                    "name": "Publish to GitHub",
                    "action": "publish:github",
                    "input": {
                        "allowedHosts": ["github.com"],
                        "repoUrl": "${{ parameters.repoUrl }}",
                        "description": "${{ parameters.description }}",
                        "defaultBranch": "main",
                    },
                },
                {
                    "id": "register",
                    "name": "Register in the catalogue",
                    "action": "catalog:register",
                    "input": {
                        "repoContentsUrl": "${{ steps['publish'].output.repoContentsUrl }}",
                        "catalogInfoPath": "/catalog-info.yaml",
                    },
                },
            ],
            "output": {
                "links": [
                    {"title": "Repository", "url": "${{ steps['publish'].output.remoteUrl }}"},
                    {
                        "title": "Open in the catalogue",
                        "icon": "catalog",
                        "entityRef": "${{ steps['register'].output.entityRef }}",
                    },
                ]
            },
        },
    }


def render(copier_text: str) -> str:
    return HEADER + yaml.safe_dump(template(copier_text), sort_keys=False, width=120, allow_unicode=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when catalog/template.yaml is out of date")
    args = parser.parse_args()
    text = render((ROOT / "copier.yml").read_text())
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run make catalog", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
