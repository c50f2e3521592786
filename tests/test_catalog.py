"""Generated projects' catalog-info.yaml: the Backstage entities of the service and its APIs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions import validators
from extensions.catalog import TEMPLATE_REF, api_name, github_slug
from extensions.plan import build_plan

from .conftest import render


@pytest.mark.unit
def test_catalog_names() -> None:
    assert github_slug("github.com/acme/orders/v2") == "acme/orders"
    assert github_slug("gitlab.com/acme/orders") == ""
    assert github_slug("github.com/acme") == ""
    assert api_name("orders", "api") == "orders-api"
    long = api_name("p" * 40, "f" * 40)
    assert len(long) == 63 and long.endswith("-" + "f" * 40)
    assert validators.entity_name("Example Org") == "example-org"
    assert validators.entity_name("!!!") == "unknown"


def entities(project: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all((project / "catalog-info.yaml").read_text()))


@pytest.mark.render
def test_the_default_project_registers_its_service_and_api(default_render: Path) -> None:
    component, api = entities(default_render)
    assert component["kind"] == "Component"
    assert component["metadata"]["name"] == "my-service"
    assert component["metadata"]["annotations"] == {
        "github.com/project-slug": "example/my-service",
        "backstage.io/source-template": TEMPLATE_REF,
    }
    assert component["spec"] == {
        "type": "service",
        "lifecycle": "experimental",
        "owner": "group:default/example-org",
        "providesApis": ["my-service-api"],
    }
    assert api["kind"] == "API"
    assert api["metadata"]["name"] == "my-service-api"
    assert api["spec"]["type"] == "openapi"
    assert api["spec"]["owner"] == component["spec"]["owner"]
    definition = yaml.safe_load(api["spec"]["definition"])
    answers = yaml.safe_load((default_render / ".copier-answers.yml").read_text())
    routes = build_plan(answers)["functions"][0]["routes"]
    assert definition["openapi"].startswith("3.")
    assert {(method.upper(), path) for path, item in definition["paths"].items() for method in item} == {
        (route["method"], route["path"]) for route in routes
    }
    assert definition["paths"]["/users/{userId}"]["get"]["parameters"][0]["name"] == "userId"


@pytest.mark.render
def test_catalog_answers_reach_the_component(copie: Any) -> None:
    project = render(
        copie,
        module_path="gitlab.com/acme/jobs",
        functions=[{"name": "jobs", "event": "sqs"}],
        aws_services=[],
        catalog_owner="user:default/jane",
        catalog_system="billing",
        catalog_lifecycle="production",
    )
    (component,) = entities(project)  # no HTTP function: no API
    assert "github.com/project-slug" not in component["metadata"]["annotations"]
    assert component["spec"] == {
        "type": "service",
        "lifecycle": "production",
        "owner": "user:default/jane",
        "system": "billing",
    }
