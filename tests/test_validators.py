"""Unit tier: every validator accepts a good answer and rejects a bad one with a rule-naming message."""

from __future__ import annotations

from typing import Any

import pytest

from extensions import validators as v
from extensions.events import CATALOGUE

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", ["my-service", "orders2", "a1-b2-c3", "ab"])
def test_project_name_accepts(name: str) -> None:
    assert v.project_name_error(name) == ""


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("My-Service", "lowercase"),
        ("my service", "lowercase"),
        ("my/service", "lowercase"),
        ("../evil", "lowercase"),
        ("-svc", "starting with a letter"),
        ("svc-", "single dashes"),
        ("svc--x", "single dashes"),
        ("9svc", "starting with a letter"),
        ("a", "2 to 40"),
        ("a" * 41, "2 to 40"),
        ("", "lowercase"),
        (None, "lowercase"),
    ],
)
def test_project_name_rejects(name: object, rule: str) -> None:
    assert rule in v.project_name_error(name)


@pytest.mark.parametrize(
    "path",
    ["github.com/acme/orders", "example.com/x", "gitlab.com/Group/Sub_Group/svc~1", "my-service", "github.com/a/b/v2"],
)
def test_module_path_accepts(path: str) -> None:
    assert v.module_path_error(path) == ""


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("", "required"),
        ("GitHub.com/acme/x", "first element"),
        ("github.com/acme/my service", "element 'my service'"),
        ("github.com/../x", "'..'"),
        ("github.com/acme/", "empty elements"),
        ("/github.com/acme", "empty elements"),
        ("github.com//acme", "empty elements"),
        ("github.com/acme/.hidden", "leading dot"),
        ("github.com/acme/x.", "element 'x.'"),
        ("github.com/acme/v1", "v2 or higher"),
        ("github.com/acme/con", "reserved Windows"),
        ("github.com/acme/x$y", "element 'x$y'"),
    ],
)
def test_module_path_rejects(path: str, rule: str) -> None:
    assert rule in v.module_path_error(path)


def test_aws_region() -> None:
    assert v.aws_region_error("eu-west-1") == ""
    assert v.aws_region_error("us-gov-west-1") == ""
    assert "region code" in v.aws_region_error("Europe")
    assert "region code" in v.aws_region_error("eu-west")


def test_single_line() -> None:
    assert v.single_line_error("Order intake API") == ""
    assert "single line" in v.single_line_error("two\nlines")
    assert "200 characters" in v.single_line_error("x" * 201)


def test_events() -> None:
    assert v.events_error(["apigw-rest"]) == ""
    assert "choose at least one event kind" in v.events_error([])
    assert "unknown event kinds ['carrier-pigeon']" in v.events_error(["apigw-rest", "carrier-pigeon"])


GOOD_FUNCTION = {"name": "api", "event": "apigw-rest", "memory": 1024, "timeout": 30}


def test_functions_accepts() -> None:
    assert v.functions_error([GOOD_FUNCTION, {"name": "admin-api", "event": "apigw-rest"}]) == ""


@pytest.mark.parametrize(
    ("functions", "rule"),
    [
        ([], "non-empty list"),
        ("api", "non-empty list"),
        (["api"], "must be a mapping"),
        ([{"name": "Api", "event": "apigw-rest"}], "functions[0].name must be lowercase"),
        ([{"name": "my api", "event": "apigw-rest"}], "functions[0].name must be lowercase"),
        ([{"name": "../api", "event": "apigw-rest"}], "never a path"),
        ([{"name": "cmd/api", "event": "apigw-rest"}], "never a path"),
        ([{"event": "apigw-rest"}], "functions[0].name"),
        ([GOOD_FUNCTION, GOOD_FUNCTION], "names must be unique: 'api'"),
        ([{"name": "user-api", "event": "apigw-rest"}, {"name": "user-API", "event": "apigw-rest"}], "lowercase"),
        ([{"name": "api", "event": "pigeon"}], "functions[0].event 'pigeon' is not a known event kind"),
        ([{"name": "api", "event": "apigw-rest", "memory": 64}], "memory must be a whole number from 128 to 10240"),
        ([{"name": "api", "event": "apigw-rest", "memory": 10241}], "from 128 to 10240 MB"),
        ([{"name": "api", "event": "apigw-rest", "memory": "big"}], "from 128 to 10240 MB"),
        ([{"name": "api", "event": "apigw-rest", "timeout": 0}], "timeout must be a whole number from 1 to 900"),
        ([{"name": "api", "event": "apigw-rest", "timeout": 901}], "from 1 to 900 seconds"),
        ([{"name": "api", "event": "apigw-rest", "timeout": True}], "from 1 to 900 seconds"),
        ([{"name": "api", "event": "apigw-rest", "memroy": 512}], "unknown keys ['memroy']"),
        ([{"name": "doc", "event": "apigw-rest"}], "reserved"),
        ([{"name": "helpers", "event": "sqs"}], "reserved"),
        ([{"name": "http-helpers", "event": "sqs"}], "reserved"),
        ([{"name": "alb-helpers", "event": "alb"}], "reserved"),
        ([{"name": "sync-linux", "event": "apigw-rest"}], "build constraint"),
        ([{"name": "api-test", "event": "apigw-rest"}], "test file"),
        ([{"name": "w", "event": "sqs", "concurrency": 0}], "functions[0].concurrency must be a whole number from 1"),
        ([{"name": "w", "event": "sqs", "concurrency": 101}], "from 1 to 100 (the messages of a batch"),
        ([{"name": "w", "event": "sqs", "concurrency": "4"}], "from 1 to 100"),
        ([{"name": "w", "event": "sqs", "concurrency": 2.5}], "from 1 to 100"),
        ([{"name": "w", "event": "sqs", "concurrency": True}], "from 1 to 100"),
        (
            [{"name": "api", "event": "apigw-rest"}, {"name": "feed", "event": "kinesis", "concurrency": 4}],
            "functions[1].concurrency applies only to sqs functions (kinesis functions process their records in order",
        ),
        ([{"name": "s", "event": "dynamodb-stream", "concurrency": 1}], "in order, one at a time); remove it"),
        ([{"name": "api", "event": "apigw-rest", "concurrency": 4}], "applies only to sqs functions (apigw-rest"),
    ],
)
def test_functions_rejects(functions: object, rule: str) -> None:
    assert rule in v.functions_error(functions)


@pytest.mark.parametrize("concurrency", [1, 10, 100, None])
def test_functions_accepts_a_concurrency_for_sqs(concurrency: object) -> None:
    assert v.functions_error([{"name": "worker", "event": "sqs", "concurrency": concurrency}]) == ""


def test_concurrency_is_allowed_exactly_where_the_catalogue_says() -> None:
    for key, kind in CATALOGUE.items():
        error = v.functions_error([{"name": "fn", "event": key, "concurrency": 3}])
        assert (error == "") == (kind.concurrency is not None), key


def test_functions_rejects_go_type_collisions() -> None:
    # Distinct names can still meet in Go: "s3-sync" and "s-3-sync" both give S3SyncHandler.
    assert "share the Go type" in v.functions_error(
        [{"name": "s3-sync", "event": "apigw-rest"}, {"name": "s-3-sync", "event": "apigw-rest"}]
    )


def test_function_services_must_be_chosen() -> None:
    functions = [{"name": "api", "event": "apigw-rest", "services": ["s3"]}]
    assert v.functions_error(functions, ["s3", "sqs"]) == ""
    assert "must list services chosen in aws_services (sqs)" in v.functions_error(functions, ["sqs"])
    assert "none chosen" in v.functions_error(functions, [])


def test_aws_services() -> None:
    assert v.aws_services_error(["dynamodb", "ssm"]) == ""
    assert "unknown AWS services ['kafka']" in v.aws_services_error(["kafka"])


def test_example_crud() -> None:
    functions = [GOOD_FUNCTION]
    assert v.example_crud_error(True, ["dynamodb"], functions) == ""
    assert v.example_crud_error(False, [], functions) == ""
    assert "add dynamodb to aws_services" in v.example_crud_error(True, [], functions)
    assert "apigw-rest function" in v.example_crud_error(True, ["dynamodb"], [])


@pytest.mark.parametrize(
    ("functions", "aws_services", "rule"),
    [
        ([{"name": "api", "event": "apigw-rest", "source": "own"}], ["sqs"], "functions[0].source applies only to"),
        ([{"name": "w", "event": "sqs", "source": "shared"}], ["sqs"], "must be service (the project's sqs resource"),
        ([{"name": "w", "event": "sqs", "source": "service"}], [], "add sqs to aws_services, or use source: own"),
        ([{"name": "w", "event": "sns", "fifo": True}], [], "functions[0].fifo applies only to sqs functions"),
        ([{"name": "w", "event": "sqs", "fifo": "yes"}], [], "fifo must be true or false"),
        ([{"name": "w", "event": "sqs", "fifo": True}], ["sqs"], "add source: own to the entry"),
        (
            [{"name": "a", "event": "sqs"}, {"name": "b", "event": "sqs"}],
            ["sqs"],
            "functions a, b all read the project's sqs resource, which triggers one sqs function only "
            "(they would compete for its messages): give all but one source: own",
        ),
        (
            [{"name": "a", "event": "s3"}, {"name": "b", "event": "s3", "source": "service"}],
            ["s3"],
            "(S3 rejects overlapping notifications)",
        ),
    ],
)
def test_functions_rejects_sources_that_cannot_work(functions: object, aws_services: list[str], rule: str) -> None:
    assert rule in v.functions_error(functions, aws_services)


@pytest.mark.parametrize(
    ("functions", "aws_services"),
    [
        ([{"name": "a", "event": "sqs"}, {"name": "b", "event": "sqs", "source": "own"}], ["sqs"]),
        ([{"name": "a", "event": "sns"}, {"name": "b", "event": "sns"}], ["sns"]),  # a topic fans out
        ([{"name": "w", "event": "sqs", "fifo": True}], []),
        ([{"name": "w", "event": "sqs", "fifo": True, "source": "own"}], ["sqs"]),
        ([{"name": "s", "event": "dynamodb-stream", "source": "service"}], ["dynamodb"]),
    ],
)
def test_functions_accepts_sources(functions: object, aws_services: list[str]) -> None:
    assert v.functions_error(functions, aws_services) == ""


def test_consumer_source_own_frees_the_project_s_resources() -> None:
    two_readers = [{"name": "a", "event": "sqs"}, {"name": "b", "event": "sqs"}]
    assert "all read the project's sqs resource" in v.functions_error(two_readers, ["sqs"])
    assert v.functions_error(two_readers, ["sqs"], "own") == ""
    fifo = [{"name": "ledger", "event": "sqs", "fifo": True}]
    assert "add source: own" in v.functions_error(fifo, ["sqs"])
    assert v.functions_error(fifo, ["sqs"], "own") == ""


@pytest.mark.parametrize(
    "answer",
    [
        "",
        None,
        "oncall@example.com",
        "o'brien+alerts@mail.example.co.uk",
        "arn:aws:sns:eu-west-1:123456789012:alerts",
        "arn:aws-us-gov:sns:us-gov-west-1:123456789012:Team_Alerts-1",
        "arn:aws-cn:sns:cn-north-1:123456789012:alerts",
    ],
)
def test_alarm_notify_accepts(answer: object) -> None:
    assert v.alarm_notify_error(answer) == ""


@pytest.mark.parametrize(
    ("answer", "rule"),
    [
        ("oncall", "one email address"),
        ("oncall@localhost", "one email address"),
        ("on call@example.com", "one email address"),
        ("a@b@example.com", "one email address"),
        ("oncall@example.com\n", "one email address"),
        ("oncall@example.com, ops@example.com", "one email address"),
        ("x" * 250 + "@example.com", "one email address"),
        (["oncall@example.com"], "one email address"),
        ("arn:aws:sns:eu-west-1:123456789012:alerts.fifo", "cannot publish to a FIFO topic"),
        ("arn:aws:sqs:eu-west-1:123456789012:alerts", "not an SNS topic ARN"),
        ("arn:aws:sns:eu-west-1:1234:alerts", "12-digit account"),
        ("arn:aws:sns:eu-west-1:123456789012:", "not an SNS topic ARN"),
        ("arn:aws:sns:eu-west-1:123456789012:alerts'", "not an SNS topic ARN"),
    ],
)
def test_alarm_notify_rejects(answer: object, rule: str) -> None:
    message = v.alarm_notify_error(answer)
    assert rule in message
    assert "leave it empty" in message  # every message says what is allowed


@pytest.mark.parametrize(
    "answer",
    [
        "",
        None,
        "security@example.com",
        "o.brien+security@mail.example.co.uk",
        "https://example.com/security",
        "https://example.com:8443/.well-known/security.txt",
        "https://github.com/acme/orders/security/advisories/new",
    ],
)
def test_security_contact_accepts(answer: object) -> None:
    assert v.security_contact_error(answer) == ""


@pytest.mark.parametrize(
    "answer",
    [
        "security",
        "security@localhost",
        "sec urity@example.com",
        "a|b@example.com",  # would break out of SECURITY.md's Markdown
        "<security@example.com>",
        "security@example.com\n",
        "http://example.com/security",
        "https://example.com/security)",
        "https://exa mple.com",
        "https://",
        "x" * 250 + "@example.com",
        ["security@example.com"],
    ],
)
def test_security_contact_rejects(answer: object) -> None:
    message = v.security_contact_error(answer)
    assert "leave it empty (the repository's private security advisories)" in message
    assert repr(answer) in message


ALB = [{"name": "alb", "event": "alb"}]
CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


@pytest.mark.parametrize(
    "answer",
    [
        CERTIFICATE,
        "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc",
        "http-only",
        "api.example.com",
        "example.com",
        "a-1.b2.example.co.uk",
    ],
)
def test_alb_certificate_accepts(answer: str) -> None:
    assert v.alb_certificate_error(answer, ALB) == ""


@pytest.mark.parametrize(
    ("answer", "rule"),
    [
        ("", "serves HTTPS, which needs a certificate"),
        (None, "serves HTTPS, which needs a certificate"),
        ("arn:aws:iam::123456789012:server-certificate/x", "not an ACM certificate ARN"),
        ("arn:aws:acm:eu-west-1:1234:certificate/abc", "12-digit account"),
        ("arn:aws:acm:eu-west-1:123456789012:certificate/", "not an ACM certificate ARN"),
        (CERTIFICATE + "\n", "not an ACM certificate ARN"),
        ("*.example.com", "no wildcard certificate"),
        ("API.example.com", "lowercase labels"),
        ("localhost", "lowercase labels"),
        ("api..example.com", "lowercase labels"),
        ("-api.example.com", "lowercase labels"),
        ("https://api.example.com", "lowercase labels"),
        ("HTTP-ONLY", "lowercase labels"),
        (["http-only"], "http-only for plain HTTP"),
    ],
)
def test_alb_certificate_rejects(answer: object, rule: str) -> None:
    message = v.alb_certificate_error(answer, ALB)
    assert rule in message
    assert "http-only for plain HTTP" in message or "give its ARN" in message  # every message says the way out


def test_alb_certificate_domain_serves_one_load_balancer() -> None:
    two = [*ALB, {"name": "admin", "event": "alb"}, {"name": "api", "event": "apigw-rest"}]
    message = v.alb_certificate_error("api.example.com", two)
    assert "functions alb, admin have one each" in message
    assert "ARN of a certificate covering all their names" in message
    assert v.alb_certificate_error(CERTIFICATE, two) == ""


@pytest.mark.parametrize("answer", ["Z0123456789ABCDEFGHIJ", "Z1D633PJN98FT9"])
def test_alb_hosted_zone_id_accepts(answer: str) -> None:
    assert v.alb_hosted_zone_id_error(answer) == ""


@pytest.mark.parametrize("answer", ["", None, "z0123", "/hostedzone/Z0123", "Z0123 ", "example.com", "Z" + "A" * 32])
def test_alb_hosted_zone_id_rejects(answer: object) -> None:
    assert "ID of the Route 53 public hosted zone" in v.alb_hosted_zone_id_error(answer)


@pytest.mark.parametrize(
    ("validator", "good", "bad", "rule"),
    [
        (v.api_rate_limit_error, [1, 100, 10000], [0, -1, 10001, 1.5, True, "100", None], "1 to 10000 requests per"),
        (v.api_burst_limit_error, [1, 200, 5000], [0, 5001, 2.0, False, "200"], "1 to 5000 requests"),
    ],
    ids=["api_rate_limit", "api_burst_limit"],
)
def test_api_throttle_limits(validator: Any, good: list[object], bad: list[object], rule: str) -> None:
    for answer in good:
        assert validator(answer) == "", answer
    for answer in bad:
        assert rule in validator(answer), answer


REST = {"name": "api", "event": "apigw-rest"}
HTTP = {"name": "http-api", "event": "apigw-http"}
GATE = {"name": "gate", "event": "authorizer"}


@pytest.mark.parametrize(
    "functions",
    [
        [{**REST, "name": f"r-{auth}", "auth": auth} for auth in ("cognito", "iam", "none")],
        [{**HTTP, "name": f"h-{auth}", "auth": auth} for auth in ("cognito", "iam", "jwt", "none")],
        [{**REST, "auth": "lambda"}, {**HTTP, "auth": "lambda", "authorizer": "gate"}, GATE],
        [{"name": "u", "event": "function-url", "auth": "none"}, {"name": "v", "event": "function-url", "auth": "iam"}],
    ],
    ids=["rest", "http", "lambda", "function-url"],
)
def test_functions_accepts_each_kinds_auth(functions: list[dict[str, str]]) -> None:
    assert v.functions_error(functions, ["dynamodb"]) == ""


@pytest.mark.parametrize(
    ("functions", "rule"),
    [
        ([{**REST, "auth": "jwt"}], "functions[0].auth must be one of cognito, iam, lambda, none for apigw-rest"),
        ([{**REST, "auth": "jwt"}], "REST APIs have no JWT authorizer"),
        ([{**HTTP, "auth": "oauth"}], "functions[0].auth must be one of cognito, iam, jwt, lambda, none"),
        ([{"name": "u", "event": "function-url", "auth": "cognito"}], "must be one of iam, none for function-url"),
        ([{"name": "lb", "event": "alb", "auth": "iam"}], "authenticate-oidc or authenticate-cognito actions"),
        ([{"name": "w", "event": "sqs", "auth": "iam"}], "functions[0].auth applies only to apigw-rest, apigw-http"),
        ([GATE, {**GATE, "name": "g2", "auth": "none"}], "it is the authorization of the functions with auth lambda"),
        ([{**HTTP, "auth": "lambda"}], "functions[0].auth lambda is decided by the project's authorizer function"),
        (
            [{**HTTP, "authorizer": "gate"}, GATE],
            "functions[0].authorizer names the authorizer function of auth lambda",
        ),
        (
            [{**HTTP, "auth": "lambda", "authorizer": "api"}, GATE],
            "must name an authorizer function of functions (gate)",
        ),
    ],
)
def test_functions_rejects_auth_that_cannot_work(functions: object, rule: str) -> None:
    assert rule in v.functions_error(functions, [])


def test_api_auth() -> None:
    assert v.api_auth_error("cognito", [REST, HTTP]) == ""
    assert v.api_auth_error("jwt", [{**REST, "auth": "iam"}, HTTP]) == "", "only HTTP APIs take the default"
    assert v.api_auth_error("lambda", [REST, GATE]) == ""
    assert v.api_auth_error("lambda", [{**REST, "auth": "none"}]) == "", "no function takes the default"
    rest_jwt = v.api_auth_error("jwt", [REST, HTTP])
    assert rest_jwt.startswith("jwt does not apply to api: REST APIs have no JWT authorizer")
    assert "add one to functions, e.g. {name: authorizer, event: authorizer}" in v.api_auth_error("lambda", [REST])
    assert "choose one of cognito, iam, jwt, lambda, none" in v.api_auth_error("basic", [REST])


@pytest.mark.parametrize(
    "issuer",
    [
        "https://example.eu.auth0.com/",
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
        "https://login.microsoftonline.com/1f6e2a3b-0000-4000-8000-000000000000/v2.0",
        "https://idp.example.com:8443/realms/main",
    ],
)
def test_jwt_issuer_accepts(issuer: str) -> None:
    assert v.jwt_issuer_error(issuer, [{**HTTP, "auth": "jwt"}], "cognito") == ""


@pytest.mark.parametrize(
    ("issuer", "rule"),
    [
        ("", "functions http-api with auth jwt need the issuer of their tokens"),
        ("http://example.com", "https URL"),
        ("https://example.com/?tenant=1", "without query or fragment"),
        ("https://example.com/#x", "without query or fragment"),
        ("https://exa mple.com", "https URL"),
        ("example.com", "https URL"),
        (42, "https URL"),
    ],
)
def test_jwt_issuer_rejects(issuer: object, rule: str) -> None:
    message = v.jwt_issuer_error(issuer, [{**HTTP, "auth": "jwt"}], "cognito")
    assert rule in message
    assert "(e.g. https://" in message


def test_jwt_issuer_may_stay_empty_for_an_authorizer_alone() -> None:
    """An authorizer function without an issuer verifies the stack's user pool's tokens; api_auth
    jwt makes the HTTP functions need one."""
    assert v.jwt_issuer_error("", [HTTP, GATE], "lambda") == ""
    assert "functions http-api with auth jwt" in v.jwt_issuer_error("", [HTTP, GATE], "jwt")


def test_jwt_audience() -> None:
    assert v.jwt_audience_error("", "") == "", "no issuer: not asked"
    for good in ("4a5b6c7d8e9f0a1b2c3d4e5f6a", "https://api.example.com", "api://orders"):
        assert v.jwt_audience_error(good, "https://x.example.com/") == ""
    for bad in ("", "two words", 'quote"d', "x" * 257, None):
        assert "no spaces or quotes" in v.jwt_audience_error(bad, "https://x.example.com/"), bad


@pytest.mark.parametrize(
    "answer", ["", None, "https://api.example.com", "https://api.example.com:8443/v1/", "https://orders.internal/api"]
)
def test_outbound_base_url_accepts(answer: object) -> None:
    assert v.outbound_base_url_error(answer) == ""


@pytest.mark.parametrize(
    "answer",
    [
        "http://api.example.com",  # credentials and data would cross the network in clear
        "https://user:secret@api.example.com",  # an environment value is never a secret
        "https://api.example.com/v1?token=x",
        "https://api.example.com/#top",
        "https://api.example.com/v 1",
        "api.example.com",
        "https://",
        "https://api.example.com\n",
        ["https://api.example.com"],
    ],
)
def test_outbound_base_url_rejects(answer: object) -> None:
    message = v.outbound_base_url_error(answer)
    assert message.startswith("outbound_base_url: leave it empty (no outbound HTTP client), or give the API's https")
    assert repr(answer) in message


@pytest.mark.parametrize("answer", ["dev,prod", "dev, staging, prod", "prod", ""])
def test_stages_accepts(answer: str) -> None:
    assert v.stages_error(answer, "my-service") == ""


@pytest.mark.parametrize(
    ("answer", "rule"),
    [
        ("Dev,prod", "lowercase letters and digits, starting with a letter"),
        ("dev,pre-prod", "lowercase letters and digits"),
        ("1st", "starting with a letter"),
        ("a" * 17, "at most 16 characters"),
        ("dev,prod,dev", "dev is listed twice"),
        (["dev"], "comma-separated stage names"),
    ],
)
def test_stages_rejects(answer: object, rule: str) -> None:
    assert rule in v.stages_error(answer, "my-service")


def test_stages_keep_the_stack_name_within_cloudformation_s_limit() -> None:
    assert "longer than CloudFormation's 128 characters" in v.stages_error("prod", "p" * 125)


def test_scaling_settings_per_function() -> None:
    good = [
        {"name": "jobs", "event": "sqs", "reserved_concurrency": 10, "provisioned_concurrency": 2, "max_concurrency": 5}
    ]
    assert v.functions_error(good) == ""
    for entry, rule in [
        ({"name": "api", "event": "apigw-rest", "max_concurrency": 5}, "max_concurrency applies only to sqs functions"),
        (
            {"name": "jobs", "event": "sqs", "max_concurrency": 1},
            "max_concurrency must be a whole number from 2 to 1000",
        ),
        ({"name": "api", "event": "apigw-rest", "reserved_concurrency": -1}, "from 0 to 10000"),
        ({"name": "api", "event": "apigw-rest", "provisioned_concurrency": True}, "provisioned_concurrency must be"),
        (
            {"name": "api", "event": "apigw-rest", "reserved_concurrency": 1, "provisioned_concurrency": 2},
            "must not exceed its reserved_concurrency",
        ),
    ]:
        assert rule in v.functions_error([entry]), entry


def test_deployment_none_has_no_alias_to_keep_warm() -> None:
    warm = [{"name": "api", "event": "apigw-rest", "provisioned_concurrency": 2}]
    assert "none has no live alias to keep warm, and api set provisioned_concurrency" in v.deployment_error(
        "none", warm
    )
    assert v.deployment_error("canary", warm) == ""
    assert v.deployment_error("none", [{"name": "api", "event": "apigw-rest"}]) == ""
