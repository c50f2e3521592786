"""What the generated project's catalog-info.yaml says: the Backstage entities of the service.

One Component for the project and one API entity per HTTP function, whose OpenAPI definition is
built from the routes its handler serves (the plan's routes), so the catalogue lists exactly the
paths the code answers. Backstage stores ``definition`` as a string; it is YAML here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

# The template's own entity name in a catalogue (catalog/template.yaml, metadata.name): the
# backstage.io/source-template annotation points back at it.
TEMPLATE_REF = "template:default/go-lambda-template"
MAX_ENTITY_NAME = 63
PATH_PARAMETER = re.compile(r"\{([A-Za-z0-9_]+)\+?\}")


def github_slug(module_path: str) -> str:
    """owner/repo of a github.com module path (github.com/acme/orders/v2 -> acme/orders), else ""."""
    parts = module_path.split("/")
    if len(parts) >= 3 and parts[0] == "github.com" and parts[1] and parts[2]:
        return f"{parts[1]}/{parts[2]}"
    return ""


def openapi_definition(title: str, description: str, routes: list[Mapping[str, Any]]) -> str:
    """An OpenAPI 3.0 document of the routes, as the YAML text Backstage's API entity holds."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        path = str(route["path"])
        operation: dict[str, Any] = {"operationId": _operation_id(str(route["method"]), path)}
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in PATH_PARAMETER.findall(path)
        ]
        if parameters:
            operation["parameters"] = parameters
        operation["responses"] = {"default": {"description": "The handler's response"}}
        paths.setdefault(path, {})[str(route["method"]).lower()] = operation
    document = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0", "description": description},
        "paths": paths,
    }
    return yaml.safe_dump(document, sort_keys=False, width=1000)


def _operation_id(method: str, path: str) -> str:
    words = [part.strip("{}+") for part in path.split("/") if part]
    return method.lower() + "".join(word[:1].upper() + word[1:] for word in words)


def api_name(project: str, function: str) -> str:
    """<project>-<function>, the project part shortened to keep within Backstage's 63 characters."""
    room = MAX_ENTITY_NAME - len(function) - 1
    return f"{project[:room].rstrip('-')}-{function}"


def catalog_plan(answers: Mapping[str, Any], functions: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The entities of catalog-info.yaml: the repository slug and one API per HTTP function."""
    project = str(answers.get("project_name") or "")
    apis = []
    for function in functions:
        if not function["http"]:
            continue
        name = api_name(project, str(function["name"]))
        summary = "the users CRUD example" if function["crud"] else function["summary"]
        description = f"{function['trigger']} of {project}: {summary}"
        apis.append(
            {
                "name": name,
                "function": function["name"],
                "description": description,
                "definition": openapi_definition(name, description, function["routes"]),
            }
        )
    return {
        "github_slug": github_slug(str(answers.get("module_path") or "")),
        "template_ref": TEMPLATE_REF,
        "apis": apis,
    }
