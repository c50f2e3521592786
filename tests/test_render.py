"""Render tier: generate projects with the Go tasks skipped and check what Copier wrote.

No toolchain is needed: files are parsed (YAML, JSON, text), never run.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions.events import CATALOGUE, USERS_ROUTES
from extensions.naming import go_type_name
from extensions.services import PROTECTION, SERVICES

from .conftest import ROOT, check_answer_keys, render
from .kinds import EVERY_KIND, KIND_KEYS, alone, every_kind, every_kind_twice, function

pytestmark = pytest.mark.render

# Jinja left over in a path or file; GitHub Actions' own ${{ ... }} expressions are expected.
TEMPLATE_SYNTAX = re.compile(r"(?<!\$)\{\{|\{%|\.jinja\b")


def project_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts)


def test_no_template_syntax_left(copie: Any) -> None:
    project = render(copie)  # its own: other tests may build or install in the shared render
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        assert not TEMPLATE_SYNTAX.search(relative), relative
        assert not TEMPLATE_SYNTAX.search(path.read_text()), f"template syntax left in {relative}"


def test_default_project_layout(default_render: Path) -> None:
    relative = {p.relative_to(default_render).as_posix() for p in project_files(default_render)}
    expected = {
        ".copier-answers.yml",
        ".gitignore",
        ".golangci.yml",
        "LICENSE",
        "Makefile",
        "README.md",
        "SECURITY.md",
        "go.mod",
        "cmd/api/main.go",
        "internal/handler/api.go",
        "internal/handler/api_test.go",
        "internal/domain/user.go",
        "pkg/apperr/errors.go",
        "pkg/apperr/errors_test.go",
        "pkg/metrics/metrics.go",
        "pkg/invocation/invocation.go",
        "tools/localrun/functions.go",
        "internal/repository/user_repository.go",
        "internal/service/user_service.go",
        "infrastructure/package.json",
        "infrastructure/package-lock.json",
        "infrastructure/cdk.json",
        "infrastructure/tsconfig.json",
        "infrastructure/bin/app.ts",
        "infrastructure/lib/service-config.ts",
        "infrastructure/lib/service-stack.ts",
    } | {f"events/api/{route.sample}" for route in USERS_ROUTES}
    missing = expected - relative
    assert not missing, f"missing: {sorted(missing)}"


def test_answers_file_records_the_answers(default_render: Path) -> None:
    answers = yaml.safe_load((default_render / ".copier-answers.yml").read_text())
    assert answers["_src_path"]
    assert answers["_commit"]
    assert answers["project_name"] == "my-service"
    assert answers["functions"] == [{"name": "api", "event": "apigw-rest", "memory": 1024, "timeout": 30}]
    assert re.fullmatch(r"20[0-9]{2}", answers["copyright_year"])
    assert "run_go_tasks" not in answers  # hidden test switch, never saved


@pytest.mark.parametrize("route", USERS_ROUTES, ids=lambda r: r.sample)
def test_sample_events_are_api_gateway_requests(default_render: Path, route: Any) -> None:
    event = json.loads((default_render / "events" / "api" / route.sample).read_text())
    assert event["httpMethod"] == route.method
    assert event["resource"] == route.path
    assert event["requestContext"]["resourcePath"] == route.path
    assert event["requestContext"]["requestId"]


def test_makefile_builds_every_function_for_the_chosen_architecture(default_render: Path) -> None:
    makefile = (default_render / "Makefile").read_text()
    assert re.search(r"^FUNCTIONS := api$", makefile, re.M)
    assert re.search(r"^GOARCH \?= arm64$", makefile, re.M)
    assert '-trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w"' in makefile
    for target in "help build clean test test-coverage fuzz lint invoke dev synth deploy".split():
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target


def test_infrastructure_config_follows_the_answers(copie: Any) -> None:
    project = render(
        copie,
        project_name="orders",
        architecture="x86_64",
        runtime="provided.al2",
        tracing="none",
        functions=[{"name": "public", "event": "apigw-rest"}, {"name": "admin", "event": "apigw-rest", "memory": 512}],
    )
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert "projectName: 'orders'" in config
    assert "architecture: 'x86_64'" in config
    assert "runtime: 'provided.al2'" in config
    assert "tracing: false" in config
    assert "bundling: 'prebuilt'" in config
    assert "alarms: false" in config
    assert "name: 'admin'" in config and "memorySize: 512" in config
    assert (project / "cmd/public/main.go").is_file() and (project / "cmd/admin/main.go").is_file()
    assert "type AdminHandler struct" in (project / "internal/handler/admin.go").read_text()
    assert "type PublicHandler struct" in (project / "internal/handler/public.go").read_text()
    assert re.search(r"^GOARCH \?= amd64$", (project / "Makefile").read_text(), re.M)


def test_outbound_http_only_with_a_base_url(copie: Any, default_render: Path) -> None:
    """outbound_base_url adds internal/outbound and the stack's OUTBOUND_BASE_URL; without it (the
    default, and every project being updated) neither exists."""
    assert not (default_render / "internal/outbound").exists()
    assert "outboundBaseUrl" not in (default_render / "infrastructure/lib/service-config.ts").read_text()
    assert "OUTBOUND_BASE_URL" not in (default_render / "tools/localrun/measureenv.go").read_text()

    project = render(copie, outbound_base_url="https://api.example.com/v1")
    assert sorted(p.name for p in (project / "internal/outbound").iterdir()) == [
        "env.go",
        "outbound.go",
        "outbound_test.go",
    ]
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert re.search(r"^  outboundBaseUrl: 'https://api\.example\.com/v1',$", config, re.M)
    measure_env = (project / "tools/localrun/measureenv.go").read_text()
    assert re.search(r'^\t"OUTBOUND_BASE_URL=https://outbound\.invalid",', measure_env, re.M)


def test_no_infrastructure_when_iac_is_none(copie: Any) -> None:
    project = render(copie, iac="none", catalog_info=False)
    assert not (project / "infrastructure").exists()
    assert not (project / "catalog-info.yaml").exists()
    assert not re.search(r"^synth:", (project / "Makefile").read_text(), re.M)


def test_without_the_example_there_is_no_users_code(copie: Any) -> None:
    project = render(copie, example_crud=False, aws_services=[])
    assert not (project / "internal/domain").exists()
    assert (project / "pkg/apperr/errors.go").is_file()
    assert not (project / "internal/service").exists()
    assert not (project / "internal/repository").exists()
    assert not (project / "internal/awsconfig").exists(), "no function builds AWS clients"
    assert "HelloHandler" not in (project / "internal/handler/api.go").read_text()
    assert "type APIHandler struct" in (project / "internal/handler/api.go").read_text()
    assert sorted(p.name for p in (project / "events/api").iterdir()) == ["get-hello.json", "post-hello.json"]


@pytest.mark.parametrize(
    ("license_id", "marker"),
    [("MIT", "MIT License"), ("Apache-2.0", "Apache License"), ("Proprietary", "All rights reserved")],
)
def test_license(copie: Any, license_id: str, marker: str) -> None:
    text = (render(copie, license=license_id, owner="Acme Corp", copyright_year="2031") / "LICENSE").read_text()
    assert marker in text
    assert "2031 Acme Corp" in text


BAD_ANSWERS = [
    ("project_name", "Bad Name", "lowercase letters"),
    ("project_name", "../escape", "lowercase letters"),
    ("module_path", "github.com//x", "empty elements"),
    ("module_path", "GitHub.com/x", "first element"),
    ("description", "two\nlines", "single line"),
    ("aws_region", "mars-1", "region code"),
    ("functions", [{"name": "API", "event": "apigw-rest"}], "functions[0].name"),
    ("functions", [{"name": "a/b", "event": "apigw-rest"}], "never a path"),
    ("functions", [{"name": "api", "event": "apigw-rest"}, {"name": "api", "event": "apigw-rest"}], "unique"),
    ("functions", [{"name": "api", "event": "smoke-signal"}], "not a known event kind"),
    ("functions", [{"name": "api", "event": "apigw-rest", "memory": 100}], "128 to 10240"),
    ("functions", [{"name": "api", "event": "apigw-rest", "timeout": 901}], "1 to 900"),
    ("function_url_auth", "OPEN", "Invalid choice"),
    ("runtime", "go1.x", "Invalid choice"),
    ("architecture", "sparc", "Invalid choice"),
    ("events", ["smoke-signal"], "Invalid choice"),
    ("events", [], "at least one event kind"),
    ("alarm_notify", "oncall", "one email address"),
    ("alarm_notify", "arn:aws:sns:eu-west-1:123456789012:alerts.fifo", "FIFO topic"),
    ("alb_certificate", "", "serves HTTPS, which needs a certificate"),
    ("alb_certificate", "*.example.com", "no wildcard certificate"),
    ("alb_certificate", "arn:aws:acm:us-east-1:123456789012:server/x", "not an ACM certificate ARN"),
    ("alb_hosted_zone_id", "example.com", "ID of the Route 53 public hosted zone"),
    ("api_rate_limit", 0, "1 to 10000 requests per second"),
    ("api_burst_limit", 5001, "1 to 5000 requests"),
    ("api_auth", "oauth", "Invalid choice"),
    ("api_auth", "jwt", "REST APIs have no JWT authorizer"),
    ("api_auth", "lambda", "add one to functions, e.g. {name: authorizer, event: authorizer}"),
    ("functions", [{"name": "api", "event": "apigw-rest", "auth": "jwt"}], "REST APIs have no JWT authorizer"),
    ("functions", [{"name": "lb", "event": "alb", "auth": "iam"}], "authenticate-oidc"),
    ("functions", [{"name": "u", "event": "function-url", "auth": "cognito"}], "must be one of iam, none"),
    ("jwt_issuer", "", "functions h with auth jwt need the issuer"),
    ("jwt_issuer", "http://issuer.example.com", "https URL"),
    ("jwt_audience", "my audience", "no spaces or quotes"),
]

# Questions asked only with some other answer, and that answer.
ASKED_WITH: dict[str, dict[str, Any]] = {
    "function_url_auth": {"functions": [{"name": "url", "event": "function-url"}]},
    "alarm_notify": {"alarms": True},
    "alb_certificate": {"functions": [{"name": "alb", "event": "alb"}]},
    "alb_hosted_zone_id": {"functions": [{"name": "alb", "event": "alb"}], "alb_certificate": "api.example.com"},
    "jwt_issuer": {"functions": [{"name": "h", "event": "apigw-http", "auth": "jwt"}]},
    "jwt_audience": {
        "functions": [{"name": "h", "event": "apigw-http"}],
        "api_auth": "jwt",
        "jwt_issuer": "https://x.example.com/",
    },
}


@pytest.mark.parametrize(("question", "answer", "rule"), BAD_ANSWERS, ids=lambda x: str(x)[:30])
def test_bad_answers_fail_before_anything_is_written(copie: Any, question: str, answer: Any, rule: str) -> None:
    check_answer_keys({question: answer})
    context = ASKED_WITH.get(question, {})
    result = copie.copy(extra_answers={**context, question: answer})
    assert result.exit_code != 0
    assert isinstance(result.exception, ValueError), repr(result.exception)
    message = str(result.exception)
    assert question in message
    assert rule in message
    written = [p for p in copie.test_dir.rglob("*") if p.is_file()]
    assert written == []


def test_example_without_dynamodb_is_refused(copie: Any) -> None:
    result = copie.copy(extra_answers={"aws_services": [], "example_crud": True})
    assert isinstance(result.exception, ValueError)
    assert "example_crud" in str(result.exception)
    assert "add dynamodb to aws_services" in str(result.exception)


@pytest.mark.parametrize("preset", sorted((Path(__file__).parents[1] / "presets").glob("*.yml")), ids=lambda p: p.stem)
def test_presets_render(copie: Any, preset: Path) -> None:
    answers = yaml.safe_load(preset.read_text())
    check_answer_keys(answers)
    project = render(copie, **answers)
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert saved["functions"] == answers["functions"]


# What identifies each kind's sample event as the AWS payload it imitates. A new kind must add
# its line: the Go tests decode the samples with the aws-lambda-go types, this checks the shape.
SAMPLE_SHAPES: dict[str, Any] = {
    "apigw-rest": lambda e: e["httpMethod"] and e["resource"] and e["requestContext"]["resourcePath"],
    "apigw-http": lambda e: e["version"] == "2.0" and e["routeKey"] and e["requestContext"]["http"]["method"],
    "alb": lambda e: e["requestContext"]["elb"]["targetGroupArn"] and e["httpMethod"],
    "function-url": lambda e: e["version"] == "2.0" and e["requestContext"]["http"]["method"] and e["rawPath"],
    "s3": lambda e: e["Records"][0]["eventSource"] == "aws:s3" and e["Records"][0]["s3"]["object"]["key"],
    "sqs": lambda e: e["Records"][0]["eventSource"] == "aws:sqs" and e["Records"][0]["messageId"],
    "dynamodb-stream": lambda e: (
        e["Records"][0]["eventSource"] == "aws:dynamodb" and e["Records"][0]["dynamodb"]["SequenceNumber"]
    ),
    "sns": lambda e: e["Records"][0]["EventSource"] == "aws:sns" and e["Records"][0]["Sns"]["MessageId"],
    "eventbridge": lambda e: e["detail-type"] and e["source"] and "detail" in e,
    "kinesis": lambda e: (
        e["Records"][0]["eventSource"] == "aws:kinesis" and e["Records"][0]["kinesis"]["sequenceNumber"]
    ),
    "schedule": lambda e: e["detail-type"] == "Scheduled Event" and e["source"] == "aws.events",
    "direct": lambda e: isinstance(e, dict) and e,
    "authorizer": lambda e: (
        e["type"] in ("REQUEST", "TOKEN") and (e.get("methodArn") or (e["version"] == "2.0" and e["routeArn"]))
    ),
}


def test_every_kind_has_a_sample_shape() -> None:
    assert sorted(SAMPLE_SHAPES) == sorted(KIND_KEYS)


@pytest.mark.parametrize("key", KIND_KEYS)
def test_each_kind_alone_renders(copie: Any, key: str) -> None:
    project = render(copie, **alone(key))
    kind = CATALOGUE[key]
    name = kind.default_name
    go_file = name.replace("-", "_")
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        assert not TEMPLATE_SYNTAX.search(relative), relative
        assert not TEMPLATE_SYNTAX.search(path.read_text()), f"template syntax left in {relative}"
    main = (project / "cmd" / name / "main.go").read_text()
    assert f"handler.New{go_type_name(name)}Handler(" in main, "main wires the kind's handler"
    assert (project / "internal/handler" / f"{go_file}.go").is_file()
    assert (project / "internal/handler" / f"{go_file}_test.go").is_file()
    assert sorted(p.name for p in (project / "events" / name).iterdir()) == sorted(kind.sample_files)
    for sample in kind.sample_files:
        event = json.loads((project / "events" / name / sample).read_text())
        assert SAMPLE_SHAPES[key](event), f"{sample} does not look like a {key} event"
    # Shared packages exist only when some function needs them (golangci-lint's unused check).
    assert (project / "pkg/middleware").exists() == kind.http
    assert (project / "internal/batch").exists() == kind.batch
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert f"kind: '{key}'," in config
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert ("function_url_auth" in answers) == (key == "function-url")
    # Each auth question is asked, and saved, only where it applies.
    assert ("api_auth" in answers) == (kind.auth_answer == "api_auth")
    assert ("jwt_issuer" in answers) == kind.authorizer
    assert "jwt_audience" not in answers, "asked only with an issuer"


def test_every_kind_in_one_project_renders(copie: Any) -> None:
    project = render(copie, **every_kind())
    for fn in EVERY_KIND:
        assert (project / "cmd" / fn["name"] / "main.go").is_file()
        assert (project / "events" / fn["name"]).is_dir()
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert config.count("kind: '") == len(EVERY_KIND)
    assert "authType: 'AWS_IAM'," in config
    assert "schedules: ['rate(1 hour)', 'cron(0 10 * * ? *)']," in config
    assert "eventPattern: { source: ['com.example.orders'], detailType: ['Order Placed'] }," in config
    makefile = (project / "Makefile").read_text()
    assert re.search(r"^FUNCTIONS := " + " ".join(f["name"] for f in EVERY_KIND) + "$", makefile, re.M)


@pytest.mark.parametrize("key", list(SERVICES))
def test_each_service_renders_its_package_and_wiring(copie: Any, key: str) -> None:
    """A service gives its package (code, unit tests, an integration test behind its build tag),
    a client built in the main of each function that lists it, a handler dependency, its variable
    in the README, and its place in the CDK config; other services' packages are absent."""
    service = SERVICES[key]
    functions = [{"name": "worker", "event": "direct"}, {"name": "plain", "event": "direct", "services": []}]
    project = render(copie, functions=functions, aws_services=[key], example_crud=False)
    package = project / "internal" / service.package
    files = sorted(p.name for p in package.iterdir())
    for name in (f"{service.package}.go", f"{service.package}_test.go", "env.go", "env_test.go"):
        assert name in files, f"{key}: {name} missing from {files}"
    integration = (package / f"{service.package}_integration_test.go").read_text()
    assert integration.startswith("//go:build integration\n"), "integration tests run only with -tags integration"
    for path in package.iterdir():
        # Go's composite literals start with "{{" too, but never with "{{ ".
        assert not re.search(r"\{\{ |\{%", path.read_text()), f"template syntax left in {path.name}"
    others = [s.package for s in SERVICES.values() if s.key != key]
    assert not [name for name in others if (project / "internal" / name).exists()]
    worker = (project / "cmd/worker/main.go").read_text()
    assert f"deps.{service.field}, err = {service.package}.{service.constructor}(cfg)" in worker
    assert f'"github.com/example/my-service/internal/{service.package}"' in worker
    assert "awsconfig.Load" not in (project / "cmd/plain/main.go").read_text()
    assert "cfg, err := awsconfig.Load(ctx)" in worker
    assert (project / "internal/awsconfig/awsconfig.go").is_file()
    handler = (project / "internal/handler/worker.go").read_text()
    deps = re.search(r"type WorkerHandlerDeps struct \{(.*?)\n\}", handler, re.S)
    assert deps is not None
    assert re.findall(r"^\t(\w+)\s+\*(\w+)\.(\w+)$", deps.group(1), re.M) == [
        (service.field, service.package, service.go_type)
    ]
    assert f"`{service.env}` ({service.package})" in (project / "README.md").read_text()
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert f"services: ['{key}'],\n" in config  # the stack's resource
    assert config.count(f"services: ['{key}'],") == 2  # ...and the worker's grant; plain has none
    assert "services: []," in config


def test_an_alb_function_without_a_certificate_answer_is_refused(copie: Any) -> None:
    """HTTPS is the default and has no certificate to default to: the defaults of a project with
    an alb function name the question and every way out, plain HTTP included."""
    result = copie.copy(extra_answers={"functions": [{"name": "alb", "event": "alb"}]})
    assert isinstance(result.exception, ValueError), repr(result.exception)
    message = str(result.exception)
    assert "Validation error for question 'alb_certificate'" in message
    for way_out in ("ARN of an ACM certificate", "a domain name", "http-only for plain HTTP"):
        assert way_out in message


# Which new answers a project saves: only the questions its kinds made Copier ask.
FRONT_DOOR_ANSWERS = ["alb_certificate", "alb_hosted_zone_id", "api_rate_limit", "api_burst_limit", "api_keys", "waf"]


@pytest.mark.parametrize(
    ("functions", "extra", "saved"),
    [
        ([{"name": "api", "event": "apigw-rest"}], {}, ["api_rate_limit", "api_burst_limit", "api_keys", "waf"]),
        ([{"name": "http-api", "event": "apigw-http"}], {}, ["api_rate_limit", "api_burst_limit"]),
        ([{"name": "alb", "event": "alb"}], {"alb_certificate": "http-only"}, ["alb_certificate", "waf"]),
        (
            [{"name": "alb", "event": "alb"}],
            {"alb_certificate": "api.example.com", "alb_hosted_zone_id": "Z0123456789ABCDEFGHIJ"},
            ["alb_certificate", "alb_hosted_zone_id", "waf"],
        ),
        ([{"name": "url", "event": "function-url"}, {"name": "processor", "event": "sqs"}], {}, []),
    ],
    ids=["rest", "http", "alb-http-only", "alb-domain", "neither"],
)
def test_front_door_questions_are_asked_with_their_kinds(
    copie: Any, functions: list[dict[str, str]], extra: dict[str, Any], saved: list[str]
) -> None:
    project = render(copie, functions=functions, aws_services=[], example_crud=False, **extra)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert [key for key in FRONT_DOOR_ANSWERS if key in answers] == saved


def test_front_door_answers_reach_the_cdk_config(copie: Any) -> None:
    project = render(
        copie,
        functions=[{"name": "api", "event": "apigw-rest"}, {"name": "alb", "event": "alb"}],
        aws_services=[],
        example_crud=False,
        alb_certificate="arn:aws:acm:us-east-1:123456789012:certificate/abc",
        api_rate_limit=40,
        api_burst_limit=80,
        api_keys=True,
        waf=True,
    )
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert "  apiThrottle: { rateLimit: 40, burstLimit: 80 },\n" in config
    assert "  apiKeys: true,\n" in config
    assert "  waf: { ipRateLimit: 2000 },\n" in config
    assert "      https: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },\n" in config


def test_plain_http_and_the_defaults_add_nothing_to_the_cdk_config(copie: Any) -> None:
    """http-only renders an alb entry as before HTTPS existed; no API key, no WAF by default."""
    project = render(copie, functions=[{"name": "alb", "event": "alb"}], alb_certificate="http-only")
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    for absent in ("https:", "apiThrottle:", "apiKeys:", "waf:"):
        assert absent not in config


def test_function_url_auth_none_is_rendered(copie: Any) -> None:
    project = render(copie, functions=[{"name": "url", "event": "function-url"}], function_url_auth="NONE")
    assert "authType: 'NONE'," in (project / "infrastructure/lib/service-config.ts").read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["function_url_auth"] == "NONE"


ROLE_LINE = re.compile(r"^  apiGatewayCloudWatchRole: '(\w+)',$", re.M)


@pytest.mark.parametrize("role", ["stack", "account", "none"])
def test_apigw_cloudwatch_role_is_saved_and_rendered(copie: Any, role: str) -> None:
    """With a REST function, where the account's API Gateway CloudWatch Logs role comes from is an
    answer (saved) and a line of the CDK config (`stack` by default: REST APIs log on a fresh account)."""
    answers = {} if role == "stack" else {"apigw_cloudwatch_role": role}
    project = render(copie, **answers)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["apigw_cloudwatch_role"] == role
    assert ROLE_LINE.findall((project / "infrastructure/lib/service-config.ts").read_text()) == [role]


@pytest.mark.parametrize(
    "answers",
    [{"functions": [{"name": "http-api", "event": "apigw-http"}], "example_crud": False}, {"iac": "none"}],
    ids=["no-rest-function", "no-iac"],
)
def test_apigw_cloudwatch_role_is_asked_only_with_a_rest_function_and_the_cdk_app(
    copie: Any, answers: dict[str, Any]
) -> None:
    project = render(copie, **answers)
    assert "apigw_cloudwatch_role" not in yaml.safe_load((project / ".copier-answers.yml").read_text())
    config = project / "infrastructure/lib/service-config.ts"
    assert not config.exists() or ROLE_LINE.findall(config.read_text()) == []


def markdown_sections(text: str) -> dict[str, str]:
    """A Markdown document's `## ` sections by heading."""
    return {part.split("\n", 1)[0]: part.split("\n", 1)[1] for part in re.split(r"^## ", text, flags=re.M)[1:]}


def table_rows(section: str) -> list[list[str]]:
    """The cells of a Markdown table's body rows."""
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[1:]]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        yaml.safe_load((ROOT / "presets" / "event-driven.yml").read_text()),
        every_kind_twice(),
        {"iac": "none", "functions": [function("direct")], "aws_services": [], "example_crud": False},
    ],
    ids=["default", "event-driven", "every-kind-twice", "no-iac"],
)
def test_security_md_lists_the_project_s_entry_points_and_services(copie: Any, answers: dict[str, Any]) -> None:
    """SECURITY.md has a row per function (its trigger and its routes) and, with the CDK app, says
    how each AWS service the stack creates keeps its data; nothing more."""
    project = render(copie, **answers)
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    sections = markdown_sections((project / "SECURITY.md").read_text())

    rows = table_rows(sections["Entry points"])
    assert [row[:2] for row in rows] == [[f"`{f['name']}`", CATALOGUE[f["event"]].title] for f in saved["functions"]]
    crud = next((f for f in saved["functions"] if f["event"] == "apigw-rest"), None) if saved["example_crud"] else None
    for row, fn in zip(rows, saved["functions"], strict=True):
        routes = USERS_ROUTES if fn is crud else CATALOGUE[fn["event"]].routes
        assert row[2] == (", ".join(f"`{r.method} {r.path}`" for r in routes) or "none"), fn["name"]

    if saved.get("iac", "cdk") == "none":
        assert "Encryption" not in sections and "Infrastructure" in sections
        return
    at_rest = sections["Encryption"].split("At rest:", 1)[1]
    listed = re.findall(r"^- `(\w+)`: (.*)\.$", at_rest, re.M)
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    stack_services = re.search(r"^  services: \[(.*)\],$", config, re.M)[1].replace("'", "").split(", ")
    assert listed == [(key, PROTECTION[key]) for key in stack_services if key]


@pytest.mark.parametrize(
    ("contact", "says"),
    [
        ("", "through this repository's security advisories"),
        (
            "security@example.com",
            "Report it to [security@example.com](mailto:security@example.com), not in a public issue.",
        ),
        ("https://example.com/security", "Report it at <https://example.com/security>, not in a public issue."),
    ],
    ids=["advisories", "email", "url"],
)
def test_security_md_says_where_to_report_a_vulnerability(copie: Any, contact: str, says: str) -> None:
    project = render(copie, **({"security_contact": contact} if contact else {}))
    assert says in markdown_sections((project / "SECURITY.md").read_text())["Reporting a vulnerability"]
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["security_contact"] == contact


def documented_targets(readme: str) -> set[str]:
    """Targets named in the first column of the README's "Make targets" table."""
    section = readme.split("## Make targets", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `make")]
    return {name for cell in first_cells for name in re.findall(r"`make ([a-z-]+)", cell)}


@pytest.mark.parametrize("answers", [{}, {"iac": "none"}], ids=["cdk", "no-iac"])
def test_make_help_is_aligned_and_the_readme_lists_every_target(copie: Any, answers: dict[str, Any]) -> None:
    project = render(copie, **answers)
    done = subprocess.run(["make", "--no-print-directory", "help"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [re.fullmatch(r"  ([a-z-]+)( +)(\S.*)", line) for line in done.stdout.splitlines()]
    assert all(rows), done.stdout
    columns = {len(row[1]) + len(row[2]) for row in rows if row}
    assert len(columns) == 1, f"descriptions start in columns {sorted(columns)}:\n{done.stdout}"
    helped = {row[1] for row in rows if row}
    assert documented_targets((project / "README.md").read_text()) == helped


@pytest.mark.parametrize("bundling", ["prebuilt", "go-function"])
def test_make_deploy_stays_interactive_and_the_workflow_target_does_not_ask(copie: Any, bundling: str) -> None:
    """`make deploy` asks before a change that broadens security (people run it);
    `make deploy-unattended` (the workflow, behind its protected environment) does not ask;
    `make diff` only shows the changes."""
    project = render(copie, cdk_bundling=bundling)

    def cdk_command(target: str) -> list[str]:
        done = subprocess.run(["make", "-n", target], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        (line,) = [line for line in done.stdout.splitlines() if "npx --no-install cdk " in line]
        words = shlex.split(line.split("npx --no-install cdk ", 1)[1])
        return words[2:] if words[:2] == ["-c", "stage=dev"] else words  # the first stage's context

    deploy = cdk_command("deploy")
    assert deploy[:2] == ["deploy", "--all"]
    assert deploy[deploy.index("--require-approval") + 1] == "broadening"
    unattended = cdk_command("deploy-unattended")
    assert unattended[:2] == ["deploy", "--all"]
    assert unattended[unattended.index("--require-approval") + 1] == "never"
    diff = cdk_command("diff")
    assert diff[0] == "diff" and "--require-approval" not in diff


@pytest.mark.parametrize(
    ("stages", "stage_args"),
    [
        ("dev,prod", {(): ["-c", "stage=dev"], ("STAGE=prod",): ["-c", "stage=prod"]}),
        ("", {(): [], ("STAGE=prod",): []}),
    ],
    ids=["stages", "no-stages"],
)
def test_synth_diff_and_deploy_act_on_one_stage(copie: Any, stages: str, stage_args: dict[Any, list[str]]) -> None:
    """With stages, `make synth|diff|deploy[-unattended]` pass the app the stage STAGE names (the
    first by default), as the README's `make deploy STAGE=prod` does; without, no stage at all."""
    project = render(copie, stages=stages)
    for target in ("synth", "diff", "deploy", "deploy-unattended"):
        for args, expected in stage_args.items():
            done = subprocess.run(["make", "-n", target, *args], cwd=project, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            (line,) = [line for line in done.stdout.splitlines() if "npx --no-install cdk " in line]
            command = shlex.split(line.split("npx --no-install cdk ", 1)[1])
            assert [word for word in command if word == "-c" or word.startswith("stage=")] == expected, (target, args)
    readme = (project / "README.md").read_text()
    assert ("make deploy STAGE=prod" in readme) == bool(stages)


@pytest.mark.unit
def test_the_template_readme_explains_every_question() -> None:
    """README.md's Questions table names every question of copier.yml (not the hidden test switch)."""
    questions = [key for key in yaml.safe_load((ROOT / "copier.yml").read_text()) if not key.startswith("_")]
    table = (ROOT / "README.md").read_text().split("### Questions", 1)[1].split("\n### ", 1)[0]
    assert [key for key in questions if f"`{key}`" not in table] == ["run_go_tasks"]


def front_door_section(project: Path) -> str:
    """The generated README's "HTTPS, throttling and WAF" section ("" without one)."""
    readme = (project / "README.md").read_text()
    return readme.split("### HTTPS, throttling and WAF", 1)[1].split("\n## ", 1)[0] if "### HTTPS" in readme else ""


def test_the_readme_says_what_the_front_doors_accept(copie: Any) -> None:
    plain = front_door_section(
        render(copie, functions=[{"name": "web", "event": "alb"}], aws_services=[], alb_certificate="http-only")
    )
    assert "**The `web` load balancer serves plain HTTP on port 80" in plain
    assert "Not for production." in plain
    assert "make update DATA='alb_certificate=<ACM certificate ARN>'" in plain
    assert "No WAF web ACL" in plain and "x-api-key" not in plain

    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    functions = [
        {"name": "web", "event": "alb"},
        {"name": "api", "event": "apigw-rest"},
        {"name": "http-api", "event": "apigw-http"},
    ]
    answers = {"alb_certificate": certificate, "api_keys": True, "waf": True, "api_rate_limit": 30}
    https = front_door_section(render(copie, functions=functions, aws_services=[], example_crud=False, **answers))
    assert f"Its certificate is `{certificate}`: point a\n  DNS name it covers at the output `WebAlbDnsName`." in https
    assert "plain HTTP on port 80:" not in https
    assert "accept 30 requests per second, with bursts of\n  200" in https
    assert "requires an API key in the `x-api-key` header" in https
    assert "A WAF web ACL protects the REST API stages and load balancers" in https
    assert "WAF cannot protect an HTTP API or a function URL" in https

    assert front_door_section(render(copie, **alone("sqs"))) == ""


def test_the_default_api_is_behind_the_stack_s_user_pool(default_render: Path) -> None:
    """The users example holds names and email addresses: by default every route is behind a
    Cognito user pool the stack creates, make dev asks for a token, and the samples carry a user."""
    answers = yaml.safe_load((default_render / ".copier-answers.yml").read_text())
    assert answers["api_auth"] == "cognito"
    config = (default_render / "infrastructure/lib/service-config.ts").read_text()
    assert "      auth: 'cognito',\n" in config
    assert "  userPool: { selfSignUp: false, mfa: 'required', threatProtection: true },\n" in config
    assert 'auth:    "cognito",' in (default_render / "tools/localrun/functions.go").read_text()
    for route in USERS_ROUTES:
        event = json.loads((default_render / "events/api" / route.sample).read_text())
        assert event["requestContext"]["authorizer"]["claims"]["sub"], route.sample
    readme = (default_render / "README.md").read_text()
    assert "| `api` | cognito | users of the stack's Cognito user pool" in readme
    assert "| `make token [CLAIMS='{...}']` |" in readme


# Each auth of an API function: what its service-config.ts entry and its samples' request context
# hold. REST APIs carry an IAM caller in the identity, HTTP APIs and function URLs in the authorizer.
AUTH_RENDERS = [
    ("apigw-rest", "cognito", lambda rc: rc["authorizer"]["claims"]["email"] == "ada@example.com"),
    ("apigw-rest", "iam", lambda rc: rc["identity"]["userArn"].startswith("arn:aws:sts::") and "authorizer" not in rc),
    ("apigw-rest", "lambda", lambda rc: rc["authorizer"]["principalId"] and "claims" not in rc["authorizer"]),
    ("apigw-rest", "none", lambda rc: "authorizer" not in rc and "userArn" not in rc["identity"]),
    ("apigw-http", "cognito", lambda rc: rc["authorizer"]["jwt"]["claims"]["token_use"] == "id"),
    ("apigw-http", "jwt", lambda rc: rc["authorizer"]["jwt"]["claims"]["iss"] == "https://example.eu.auth0.com/"),
    ("apigw-http", "iam", lambda rc: rc["authorizer"]["iam"]["userArn"]),
    ("apigw-http", "lambda", lambda rc: rc["authorizer"]["lambda"]["principalId"]),
    ("apigw-http", "none", lambda rc: "authorizer" not in rc),
    ("function-url", "iam", lambda rc: rc["authorizer"]["iam"]["userArn"]),
    ("function-url", "none", lambda rc: "authorizer" not in rc),
]


@pytest.mark.parametrize(("kind", "auth", "context_holds"), AUTH_RENDERS, ids=lambda x: x if isinstance(x, str) else "")
def test_each_auth_renders_its_config_and_samples(copie: Any, kind: str, auth: str, context_holds: Any) -> None:
    functions = [{"name": "fn", "event": kind, "auth": auth}, {"name": "authorizer", "event": "authorizer"}]
    project = render(
        copie, functions=functions, aws_services=[], example_crud=False,
        jwt_issuer="https://example.eu.auth0.com/", jwt_audience="https://api.example.com",
    )  # fmt: skip
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    if kind == "function-url":
        assert f"authType: '{'AWS_IAM' if auth == 'iam' else 'NONE'}'," in config
    else:
        assert f"      auth: '{auth}',\n" in config
        assert ("authorizer: 'authorizer'," in config) == (auth == "lambda")
    for sample in (project / "events/fn").iterdir():
        assert context_holds(json.loads(sample.read_text())["requestContext"]), sample.name
    functions_go = (project / "tools/localrun/functions.go").read_text()
    assert f'auth:    "{auth}",' in functions_go


def test_the_authorizer_verifies_the_pool_s_tokens_or_the_issuer_s(copie: Any) -> None:
    functions = [{"name": "api", "event": "apigw-http"}, {"name": "gate", "event": "authorizer"}]
    project = render(copie, functions=functions, aws_services=[], example_crud=False)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["api_auth"], answers["jwt_issuer"]) == ("lambda", ""), "an authorizer's defaults"
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert "issuer: 'user-pool'," in config and "userPool: {" in config and "jwt:" not in config
    assert "authorizer: 'gate'," in config
    assert "services: []," in config, "an authorizer reads no data unless its entry says so"

    project = render(
        copie, functions=functions, aws_services=[], example_crud=False,
        jwt_issuer="https://example.eu.auth0.com/", jwt_audience="https://api.example.com",
    )  # fmt: skip
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert "issuer: 'jwt'," in config and "userPool:" not in config
    assert "jwt: { issuer: 'https://example.eu.auth0.com/', audience: ['https://api.example.com'] }," in config


def test_generation_warns_about_public_functions_that_reach_data(tmp_path: Path) -> None:
    """The message after copy names each function that is public (auth none) and reaches an AWS
    service, and only those."""
    functions = [
        {"name": "api", "event": "apigw-rest", "auth": "none"},
        {"name": "hello", "event": "apigw-http", "auth": "none", "services": []},
        {"name": "admin", "event": "apigw-http", "auth": "iam"},
        {"name": "url", "event": "function-url", "auth": "none", "services": ["dynamodb"]},
    ]
    done = subprocess.run(
        [str(Path(sys.executable).with_name("copier")), "copy", "--trust", "--defaults", "--vcs-ref", "HEAD",
         "-d", "run_go_tasks=false", "-d", f"functions={json.dumps(functions)}", str(ROOT), str(tmp_path / "svc")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    warned = re.findall(r"^WARNING: function (\S+) is public \(auth none\) and reaches ([\w, ]+):", done.stderr, re.M)
    assert warned == [("api", "dynamodb"), ("url", "dynamodb")]
    assert "function_url_auth" in done.stderr.split("WARNING: function url")[1]


@pytest.mark.parametrize("answers", [{}, {"architecture": "x86_64", "iac": "none"}], ids=["default", "x86_64-no-iac"])
def test_the_readme_says_what_to_expect_in_aws(copie: Any, answers: dict[str, Any]) -> None:
    """Cold starts, memory and CPU, and Power Tuning, for this project's runtime and architecture,
    each with the published source it comes from."""
    project = render(copie, **answers)
    readme = (project / "README.md").read_text()
    assert "\n## Performance in AWS\n" in readme
    section = readme.split("\n## Performance in AWS\n", 1)[1].split("\n## ", 1)[0]
    links = set(re.findall(r"\]\((https://[^)\s]+)\)", section))
    assert links == {
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#cold-start-latency",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
        "https://github.com/alexcasalboni/aws-lambda-power-tuning",
    }
    architecture = answers.get("architecture", "arm64")
    assert f"`provided.al2023` on {architecture} in particular" in section
    assert "1,769 MB" in section
    assert ("infrastructure/lib/service-config.ts" in section) == (answers.get("iac", "cdk") == "cdk")
