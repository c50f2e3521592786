"""Unit tier: the event catalogue, naming and the render plan (answers -> what files render)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extensions import gomod, naming, plan
from extensions.events import CATALOGUE, USERS_ROUTES
from extensions.services import SERVICES

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
COPIER = yaml.safe_load((ROOT / "copier.yml").read_text())

DEFAULT_ANSWERS = {
    "functions": plan.default_functions(["apigw-rest"]),
    "aws_services": ["dynamodb"],
    "example_crud": True,
    "architecture": "arm64",
    "runtime": "provided.al2023",
}


def test_events_question_offers_exactly_the_catalogue() -> None:
    assert sorted(COPIER["events"]["choices"].values()) == sorted(CATALOGUE)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_kind_ships_its_files(key: str) -> None:
    """A kind is complete only with its main, handler, test and a sample event per route."""
    kind = CATALOGUE[key]
    folder = ROOT / "kinds" / key
    for name in ("main.go.jinja", "handler.go.jinja", "handler_test.go.jinja"):
        assert (folder / name).is_file(), f"kinds/{key}/{name} is missing"
    for route in kind.routes:
        assert (folder / "events" / f"{route.sample}.jinja").is_file()


def test_users_variant_ships_its_files() -> None:
    folder = ROOT / "kinds" / "apigw-rest" / "users"
    for name in ("main.go.jinja", "handler.go.jinja", "handler_test.go.jinja"):
        assert (folder / name).is_file()
    for route in USERS_ROUTES:
        assert (folder / "events" / f"{route.sample}.jinja").is_file()


def test_default_functions_follow_the_seed_names() -> None:
    assert plan.default_functions(["apigw-rest"]) == [
        {"name": "api", "event": "apigw-rest", "memory": 1024, "timeout": 30}
    ]
    assert plan.default_functions([]) == []


@pytest.mark.parametrize(
    ("name", "go", "cdk", "env"),
    [
        ("api", "API", "Api", "API"),
        ("user-api", "UserAPI", "UserApi", "USER_API"),
        ("stream-processor", "StreamProcessor", "StreamProcessor", "STREAM_PROCESSOR"),
        ("s3-sync", "S3Sync", "S3Sync", "S3_SYNC"),
    ],
)
def test_naming(name: str, go: str, cdk: str, env: str) -> None:
    assert naming.go_type_name(name) == go
    assert naming.pascal(name) == cdk
    assert naming.env_name(name) == env


def test_default_plan() -> None:
    result = plan.build_plan(DEFAULT_ANSWERS)
    (api,) = result["functions"]
    assert api["name"] == "api"
    assert api["handler_type"] == "APIHandler"
    assert api["crud"] is True
    assert api["handler_template"] == "kinds/apigw-rest/users/handler.go.jinja"
    assert [(r["method"], r["path"]) for r in api["routes"]] == [(r.method, r.path) for r in USERS_ROUTES]
    assert result["crud_function"] == "api"
    assert result["service_keys"] == ["dynamodb"]
    assert result["service_packages"] == []  # the users example brings its own repository
    assert result["goarch"] == "arm64"
    assert result["cdk_architecture"] == "ARM_64"
    assert result["cdk_runtime"] == "PROVIDED_AL2023"
    direct = [entry["path"] for entry in result["go_require"]["direct"]]
    assert "github.com/aws/aws-sdk-go-v2/service/dynamodb" in direct


def test_plan_serves_the_example_from_the_first_rest_function_only() -> None:
    answers = {
        **DEFAULT_ANSWERS,
        "functions": [
            {"name": "public", "event": "apigw-rest"},
            {"name": "admin", "event": "apigw-rest", "memory": 512},
        ],
    }
    public, admin = plan.build_plan(answers)["functions"]
    assert public["crud"] and not admin["crud"]
    assert admin["handler_template"] == "kinds/apigw-rest/handler.go.jinja"
    assert admin["memory"] == 512
    assert admin["timeout"] == CATALOGUE["apigw-rest"].timeout


def test_plan_without_the_example_needs_no_aws_sdk() -> None:
    result = plan.build_plan({**DEFAULT_ANSWERS, "example_crud": False, "aws_services": [], "architecture": "x86_64"})
    paths = [e["path"] for group in result["go_require"].values() for e in group]
    assert not any(p.startswith("github.com/aws/aws-sdk-go-v2") for p in paths)
    assert result["goarch"] == "amd64"
    assert result["cdk_architecture"] == "X86_64"
    assert result["table"] is False


def test_plan_is_pure() -> None:
    assert plan.build_plan(DEFAULT_ANSWERS) == plan.build_plan(DEFAULT_ANSWERS)


def test_gomod_features_reference_pinned_versions() -> None:
    for feature in gomod.FEATURES.values():
        for path in feature.direct + feature.indirect:
            assert gomod.VERSIONS[path].startswith("v")
    requirements = gomod.requirements(["lambda", "aws", "dynamodb"])
    direct = {e["path"] for e in requirements["direct"]}
    indirect = {e["path"] for e in requirements["indirect"]}
    assert not direct & indirect
    assert [e["path"] for e in requirements["direct"]] == sorted(direct)


def test_functions_use_their_services_only() -> None:
    answers = {
        **DEFAULT_ANSWERS,
        "example_crud": False,
        "aws_services": ["s3", "dynamodb", "ssm"],
        "functions": [
            {"name": "api", "event": "apigw-rest"},
            {"name": "uploader", "event": "apigw-rest", "services": ["s3"]},
            {"name": "plain", "event": "apigw-rest", "services": []},
        ],
    }
    result = plan.build_plan(answers)
    api, uploader, plain = result["functions"]
    assert api["service_keys"] == ["dynamodb", "s3", "ssm"]  # catalogue order, not answer order
    assert uploader["service_keys"] == ["s3"]
    assert [s["env"] for s in uploader["services"]] == ["BUCKET_NAME"]
    assert plain["service_keys"] == []
    assert result["service_packages"] == ["dynamodb", "s3", "ssm"]
    direct = {e["path"] for e in result["go_require"]["direct"]}
    assert "github.com/aws/aws-sdk-go-v2/service/ssm" in direct
    assert "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager" in direct


def test_services_catalogue_matches_the_question_and_go_modules() -> None:
    assert sorted(COPIER["aws_services"]["choices"].values()) == sorted(SERVICES)
    for key in SERVICES:
        assert key in gomod.FEATURES, key
        folder = f"{{{{ '{SERVICES[key].package}' if '{key}' in plan.service_packages else '' }}}}"
        assert (ROOT / "template" / "internal" / folder).is_dir(), folder
