"""The Backstage front door: catalog/template.yaml is generated from copier.yml and current, its
form fields follow the questions and validators, generated projects carry a catalog-info.yaml,
and the scaffolder module under catalog/ generates a project that builds (Backstage's own
validators and action test utilities, offline)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions import validators
from extensions.catalog import TEMPLATE_REF, api_name, github_slug
from extensions.plan import build_plan

from .conftest import ROOT, render, require_tool, run

sys.path.insert(0, str(ROOT / "scripts"))
import backstage_template

COPIER_YML = (ROOT / "copier.yml").read_text()
QUESTIONS = {key: value for key, value in yaml.safe_load(COPIER_YML).items() if not key.startswith("_")}


def form(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every field of the template's pages, conditional ones included, by name."""
    fields: dict[str, dict[str, Any]] = {}
    for page in document["spec"]["parameters"]:
        fields |= page["properties"]
        for condition in page.get("allOf", []):
            fields |= condition["then"]["properties"]
    return fields


@pytest.mark.unit
def test_the_committed_template_is_what_copier_yml_generates() -> None:
    committed = (ROOT / "catalog" / "template.yaml").read_text()
    assert committed == backstage_template.render(COPIER_YML), "catalog/template.yaml is stale: run make catalog"


@pytest.mark.unit
def test_every_asked_question_is_a_field_and_reaches_copier() -> None:
    document = yaml.safe_load((ROOT / "catalog" / "template.yaml").read_text())
    fields = form(document)
    asked = {
        key
        for key, question in QUESTIONS.items()
        if question.get("ask") is not False and question.get("when") is not False
    } - set(backstage_template.FIXED_VALUES)
    assert set(fields) == asked | {"repoUrl"}
    steps = document["spec"]["steps"]
    assert [step["action"] for step in steps] == [backstage_template.ACTION_ID, "publish:github", "catalog:register"]
    values = steps[0]["input"]["values"]
    assert values == {key: f"${{{{ parameters.{key} }}}}" for key in fields if key != "repoUrl"} | {
        "catalog_info": True
    }
    assert document["metadata"]["name"] == TEMPLATE_REF.rpartition("/")[2]
    assert fields["license"]["enum"] == list(QUESTIONS["license"]["choices"].values())
    assert fields["license"]["default"] == "MIT"
    assert fields["api_rate_limit"]["maximum"] == validators.API_RATE_RANGE[1]
    assert fields["events"]["items"]["enum"] == list(QUESTIONS["events"]["choices"].values())
    entry = fields["functions"]["items"]
    assert set(entry["properties"]) == validators.FUNCTION_KEYS
    assert entry["required"] == ["name", "event"]
    # A jinja default is left to Copier: no default in the form.
    assert "default" not in fields["module_path"]


@pytest.mark.unit
def test_a_when_over_the_same_page_becomes_a_condition_of_the_form() -> None:
    document = yaml.safe_load((ROOT / "catalog" / "template.yaml").read_text())
    conditions = {
        key: condition["if"]["properties"]
        for page in document["spec"]["parameters"]
        for condition in page.get("allOf", [])
        for key in condition["then"]["properties"]
    }
    assert conditions["alarm_notify"] == {"iac": {"const": "cdk"}, "alarms": {"const": True}}
    assert conditions["update_workflow"] == {"ci": {"const": True}}
    # Conditions over the functions list stay visible, with the condition in their help.
    assert "function_url_auth" not in conditions
    assert "Used only when" in form(document)["function_url_auth"]["description"]


# (question, answer): the form's pattern and Copier's validator must agree on each.
PATTERN_CASES = [
    ("project_name", "orders-service"),
    ("project_name", "Orders"),
    ("project_name", "a--b"),
    ("aws_region", "eu-west-1"),
    ("aws_region", "eu-west"),
    ("security_contact", ""),
    ("security_contact", "security@example.com"),
    ("security_contact", "https://example.com/security"),
    ("security_contact", "http://example.com"),
    ("alarm_notify", "arn:aws:sns:eu-west-1:123456789012:alarms"),
    ("alarm_notify", "oncall@"),
    ("alb_certificate", "http-only"),
    ("alb_certificate", "api.example.com"),
    ("alb_certificate", "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"),
    ("alb_certificate", "http-onlyx"),
    ("alb_hosted_zone_id", "Z0123456789ABCDEFGHIJ"),
    ("alb_hosted_zone_id", "z01"),
    ("catalog_owner", "group:default/payments"),
    ("catalog_owner", "payments-team"),
    ("catalog_owner", "group:default/"),
    ("catalog_system", "orders"),
    ("catalog_system", "orders service"),
]


@pytest.mark.unit
@pytest.mark.parametrize(("question", "answer"), PATTERN_CASES)
def test_form_patterns_agree_with_the_validators(question: str, answer: str) -> None:
    field = form(backstage_template.template(COPIER_YML))[question]
    name = re.search(r"\|\s*([a-z_]+)", QUESTIONS[question]["validator"]).group(1)
    accepted = validators.FILTERS[name](answer) == ""
    if answer == "" and "when" in QUESTIONS[question]:
        accepted = True  # not asked without its functions: the form must take no answer
    assert bool(re.fullmatch(field["pattern"], answer)) == accepted


@pytest.mark.unit
@pytest.mark.parametrize(
    ("validator", "answer", "rule"),
    [
        (validators.catalog_owner_error, "group:default/Payments Team", "entity reference"),
        (validators.catalog_owner_error, "group:default/" + "a" * 64, "at most 63"),
        (validators.catalog_owner_error, "", "entity reference"),
        (validators.catalog_system_error, "orders/eu", "entity name"),
        (validators.catalog_system_error, 7, "entity name"),
    ],
)
def test_bad_catalog_answers_name_the_question_and_the_rule(validator: Any, answer: Any, rule: str) -> None:
    message = validator(answer)
    assert message.startswith(validator.__name__.removesuffix("_error") + ": "), message
    assert rule in message


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


@pytest.mark.infra
def test_the_scaffolder_module_generates_a_project_that_builds(
    tmp_path: Path, default_render: Path, every_kind_project: Path
) -> None:
    """tsc (strict), then jest: Backstage's validators on catalog/template.yaml and on generated
    catalog-info.yaml files, the module in a test backend, and the action (run by Backstage's
    createMockActionContext) copying this checkout; then the project it made builds."""
    require_tool("go")
    catalog = ROOT / "catalog"
    if not (catalog / "node_modules" / ".package-lock.json").exists():
        pytest.fail("catalog/node_modules is missing: run make tools")
    copier_bin = str(Path(sys.executable).parent)
    workspace = tmp_path / "workspace"
    run(catalog, "npx", "tsc", "-p", ".")
    report = tmp_path / "jest.json"
    run(
        catalog,
        "npx",
        "jest",
        "--ci",
        "--json",
        f"--outputFile={report}",
        PATH=f"{copier_bin}{os.pathsep}{os.environ['PATH']}",
        COPIER_TEMPLATE=str(ROOT),
        COPIER_WORKSPACE=str(workspace),
        CATALOG_INFO_FILES=os.pathsep.join(
            str(project / "catalog-info.yaml") for project in (default_render, every_kind_project)
        ),
    )
    results = json.loads(report.read_text())
    passed = {
        test["fullName"]
        for suite in results["testResults"]
        for test in suite["assertionResults"]
        if test["status"] == "passed"
    }
    assert results["numFailedTests"] == results["numPendingTests"] == 0
    checked = "catalog-info.yaml of generated projects {}/catalog-info.yaml holds one valid Component and valid APIs"
    for project in (default_render, every_kind_project):
        assert checked.format(project) in passed
    assert "runs copier copy with the form answers into the workspace" in passed
    assert "catalog/template.yaml is a valid scaffolder.backstage.io/v1beta3 Template" in passed
    answers = yaml.safe_load((workspace / ".copier-answers.yml").read_text())
    assert answers["catalog_system"] == "orders"
    gomod = (workspace / "go.mod").read_text()
    assert re.search(r"^module github\.com/example/from-backstage$", gomod, re.M)
    run(workspace, "go", "build", "./...")
    assert (workspace / "cmd" / "nightly").is_dir()
    component, api = entities(workspace)
    assert api["metadata"]["name"] == "from-backstage-api"
    assert component["spec"]["lifecycle"] == "production"
