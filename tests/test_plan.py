"""Unit tier: the event catalogue, naming and the render plan (answers -> what files render)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from extensions import events as events_module
from extensions import gomod, naming, plan
from extensions.events import CATALOGUE, USERS_ROUTES
from extensions.literals import ts_literal
from extensions.services import PROTECTION, SERVICES

from .kinds import EVERY_KIND, KIND_KEYS

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "template" / "{{ 'infrastructure' if iac == 'cdk' else '' }}"
COPIER = yaml.safe_load((ROOT / "copier.yml").read_text())

DEFAULT_ANSWERS = {
    "functions": plan.default_functions(["apigw-rest"]),
    "aws_services": ["dynamodb"],
    "example_crud": True,
    "architecture": "arm64",
    "runtime": "provided.al2023",
}


def test_events_question_lists_the_catalogue_in_its_order() -> None:
    assert list(COPIER["events"]["choices"].values()) == KIND_KEYS


@pytest.mark.parametrize("key", KIND_KEYS)
def test_every_kind_ships_its_files(key: str) -> None:
    """A kind is complete only with its handler, its test, its sample events and its CDK wiring."""
    kind = CATALOGUE[key]
    folder = ROOT / "kinds" / key
    for name in ("handler.go.jinja", "handler_test.go.jinja"):
        assert (folder / name).is_file(), f"kinds/{key}/{name} is missing"
    assert kind.sample_files, f"{key} has no sample event"
    for sample in kind.sample_files:
        assert (folder / "events" / f"{sample}.jinja").is_file(), f"kinds/{key}/events/{sample}.jinja is missing"
    assert (INFRA / "lib" / "kinds" / f"{key}.ts").is_file(), f"lib/kinds/{key}.ts is missing"
    registry = (INFRA / "lib" / "kinds" / "index.ts").read_text()
    assert f"'{key}':" in registry, f"{key} is not registered in lib/kinds/index.ts"


@pytest.mark.parametrize("key", KIND_KEYS)
def test_every_kind_has_consistent_facts(key: str) -> None:
    kind = CATALOGUE[key]
    assert kind.key == key
    assert 128 <= kind.memory <= 10240 and 1 <= kind.timeout <= 900
    assert bool(kind.routes) == kind.http, "HTTP kinds, and only they, have routes"
    assert not (kind.routes and kind.samples), "HTTP kinds name their samples in their routes"
    assert not (kind.http and kind.batch)
    # Batch kinds return the aws-lambda-go response that carries batchItemFailures.
    assert kind.batch == kind.go_output.endswith("EventResponse")


@pytest.mark.parametrize("key", [key for key, kind in CATALOGUE.items() if kind.batch])
def test_batch_kinds_run_their_records_as_the_catalogue_says(key: str) -> None:
    """A batch kind is ordered (streams) or concurrent (independent records), and its handler
    calls the internal/batch function of that mode."""
    kind = CATALOGUE[key]
    assert kind.ordered != (kind.concurrency is not None), "exactly one mode"
    handler = "".join(path.read_text() for path in sorted((ROOT / "kinds" / key).glob("*.go.jinja")))
    assert ("batch.ProcessInOrder(" in handler) == kind.ordered
    assert ("batch.ProcessConcurrently(" in handler) == (kind.concurrency is not None)
    assert "batch.Process(" not in handler, "the deprecated form"


def test_only_batch_kinds_have_a_mode() -> None:
    for kind in CATALOGUE.values():
        if not kind.batch:
            assert not kind.ordered and kind.concurrency is None, kind.key


def test_sqs_concurrency_follows_the_memory() -> None:
    """One worker per 256 MB, at least 2, at most the batch size (10)."""
    rule = CATALOGUE["sqs"].concurrency
    assert rule is not None
    assert rule.maximum == dict(CATALOGUE["sqs"].cdk)["batchSize"] == 10
    expected = {128: 2, 256: 2, 512: 2, 768: 3, 1024: 4, 1769: 6, 2048: 8, 2560: 10, 3008: 10, 10240: 10}
    assert {memory: rule.default(memory) for memory in expected} == expected


def test_plan_gives_sqs_functions_their_concurrency() -> None:
    functions = [
        {"name": "default", "event": "sqs"},  # the kind's 512 MB
        {"name": "big", "event": "sqs", "memory": 2048},
        {"name": "chosen", "event": "sqs", "memory": 2048, "concurrency": 3},
        {"name": "one", "event": "sqs", "concurrency": 1},
        {"name": "feed", "event": "kinesis"},
        {"name": "api", "event": "apigw-rest"},
    ]
    by_name = {f["name"]: f for f in plan.build_plan({**DEFAULT_ANSWERS, "functions": functions})["functions"]}
    assert {name: f["concurrency"] for name, f in by_name.items()} == {
        "default": 2,
        "big": 8,
        "chosen": 3,
        "one": 1,
        "feed": 0,
        "api": 0,
    }
    assert by_name["default"]["concurrency_reason"] == (
        "the default for 512 MB: one worker per 256 MB of memory, at least 2, at most 10 (the batch size)"
    )
    assert "functions answer" in by_name["chosen"]["concurrency_reason"]
    assert by_name["feed"]["concurrency_reason"] == by_name["api"]["concurrency_reason"] == ""


@pytest.mark.parametrize("example_crud", [True, False], ids=["users-example", "no-example"])
def test_every_function_has_a_benchmark_template(example_crud: bool) -> None:
    """make bench: each function's benchmark is its kind's (or users variant's) own when the catalogue
    says its handler needs fakes to be built, else the shared one; either way the file exists."""
    answers = {**DEFAULT_ANSWERS, "functions": EVERY_KIND, "example_crud": example_crud}
    functions = plan.build_plan(answers)["functions"]
    for fn in functions:
        assert (ROOT / fn["bench_template"]).is_file(), f"{fn['name']}: {fn['bench_template']} is missing"
    by_name = {fn["name"]: fn for fn in functions}
    assert by_name["worker"]["bench_template"] == "kinds/_shared/handler_bench_test.go.jinja"
    assert by_name["authorizer"]["bench_template"] == "kinds/authorizer/handler_bench_test.go.jinja"
    if example_crud:
        assert by_name["api"]["bench_template"] == "kinds/apigw-rest/users/handler_bench_test.go.jinja"


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
    assert [f["name"] for f in plan.default_functions(["sqs", "dynamodb-stream", "schedule"])] == [
        "processor",
        "stream-processor",
        "scheduled",
    ]
    every = plan.default_functions(KIND_KEYS)
    assert len({f["name"] for f in every}) == len(KIND_KEYS), "default names must not collide"


def test_plan_of_every_kind() -> None:
    result = plan.build_plan({**DEFAULT_ANSWERS, "functions": EVERY_KIND})
    by_name = {f["name"]: f for f in result["functions"]}
    assert result["kinds"] == sorted(KIND_KEYS)
    assert result["http"] and result["batch"]
    assert by_name["processor"]["go_output"] == "events.SQSEventResponse"
    assert by_name["orders"]["handler_type"] == "OrdersHandler"  # a second sqs function
    assert by_name["worker"]["go_input"] == "handler.WorkerInput"
    assert by_name["worker"]["go_output"] == "handler.WorkerOutput"
    assert by_name["notifier"]["go_output"] == ""
    assert by_name["http-api"]["http_adapter"] == "APIGatewayV2HTTP"
    assert by_name["processor"]["http_adapter"] == ""
    assert [s["file"] for s in by_name["processor"]["samples"]] == ["messages.json"]
    assert by_name["processor"]["samples"][0]["template"] == "kinds/sqs/events/messages.json.jinja"
    assert by_name["processor"]["main_template"] == "kinds/_shared/main.go.jinja"
    assert dict(by_name["processor"]["cdk"]) == {
        "batchSize": 10,
        "maxBatchingWindowSeconds": 5,
        "maxReceiveCount": 3,
        "source": "own",  # no sqs in aws_services: a queue of its own
    }
    assert dict(by_name["url"]["cdk"])["authType"] == "AWS_IAM"


def test_function_url_auth_follows_the_answer() -> None:
    answers = {**DEFAULT_ANSWERS, "functions": [{"name": "url", "event": "function-url"}], "function_url_auth": "NONE"}
    (url,) = plan.build_plan(answers)["functions"]
    assert dict(url["cdk"])["authType"] == "NONE"
    assert plan.build_plan({**DEFAULT_ANSWERS, "example_crud": False})["http"] is True


@pytest.mark.parametrize(
    ("functions", "kinds"),
    [
        ([{"name": "u", "event": "function-url"}, {"name": "p", "event": "sqs"}], ["function-url", "sqs"]),
        ("[{name: u}]", []),  # not parsed yet
        ([{"name": "u"}, "x", {"event": 3}], []),
        (None, []),
    ],
)
def test_function_kinds_tolerates_any_answer(functions: object, kinds: list[str]) -> None:
    assert plan.function_kinds(functions) == kinds


def test_ts_literal() -> None:
    assert ts_literal({"source": ["com.example"], "detailType": ["Order Placed"]}) == (
        "{ source: ['com.example'], detailType: ['Order Placed'] }"
    )
    assert ts_literal(["rate(1 hour)", 'it\'s \\ "q"']) == "['rate(1 hour)', 'it\\'s \\\\ \"q\"']"
    assert ts_literal({"a-b": 1, "ok": True, "none": {}}) == "{ 'a-b': 1, ok: true, none: {} }"
    with pytest.raises(TypeError):
        ts_literal(None)


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


def test_idempotency_and_tracing_spans_are_off_by_default() -> None:
    """Projects being updated keep today's behaviour: no internal/idempotency, no spans."""
    result = plan.build_plan({**DEFAULT_ANSWERS, "functions": [{"name": "worker", "event": "sqs"}]})
    assert result["idempotency"] is False and result["tracing_spans"] is False
    assert all(not f["idempotent"] and f["main_packages"] == ["awsconfig"] for f in result["functions"])


def test_idempotency_applies_to_sqs_and_eventbridge_functions_only() -> None:
    functions = [{"name": n, "event": n} for n in ("sqs", "eventbridge", "sns", "kinesis")]
    result = plan.build_plan({**DEFAULT_ANSWERS, "aws_services": [], "functions": functions, "idempotency": True})
    idempotent = {f["name"]: f["idempotent"] for f in result["functions"]}
    assert idempotent == {"sqs": True, "eventbridge": True, "sns": False, "kinesis": False}
    sqs, eventbridge, sns, _ = result["functions"]
    assert ("idempotency", True) in sqs["cdk"] and ("idempotency", True) in eventbridge["cdk"]
    assert "idempotency" not in dict(sns["cdk"])
    # Without services, its main still builds an AWS config: for the idempotency table.
    assert sqs["aws_config"] and not sns["aws_config"]
    assert sqs["main_packages"] == ["awsconfig", "idempotency"] and sns["main_packages"] == []
    assert result["aws_config"], "internal/awsconfig is rendered"
    direct = {e["path"] for e in result["go_require"]["direct"]}
    assert "github.com/aws/aws-sdk-go-v2/service/dynamodb" in direct


def test_tracing_spans_need_active_tracing() -> None:
    answers = {**DEFAULT_ANSWERS, "tracing_spans": True}
    assert plan.build_plan(answers)["tracing_spans"] is True
    assert all(f["main_packages"][-1] == "tracing" for f in plan.build_plan(answers)["functions"])
    assert plan.build_plan({**answers, "tracing": "none"})["tracing_spans"] is False
    direct = {e["path"] for e in plan.build_plan(answers)["go_require"]["direct"]}
    assert "github.com/aws-observability/aws-otel-go/exporters/xrayudp" in direct


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


EVENT_DRIVEN = yaml.safe_load((ROOT / "presets" / "event-driven.yml").read_text())


@pytest.mark.parametrize(
    ("aws_services", "answer", "expected"),
    [
        (["sqs"], {}, "service"),  # producers and consumers meet by default
        ([], {}, "own"),
        (["sqs"], {"source": "own"}, "own"),
        (["dynamodb"], {}, "own"),  # another service's resource
    ],
)
def test_a_consumer_reads_the_project_s_resource_when_the_project_has_its_service(
    aws_services: list[str], answer: dict[str, str], expected: str
) -> None:
    assert plan.function_source(CATALOGUE["sqs"], answer, aws_services) == expected


def test_consumer_source_own_keeps_every_consumer_s_own_trigger() -> None:
    """Projects from before 0.3.0 save consumer_source: own; a functions entry's source still wins."""
    answers = {**DEFAULT_ANSWERS, **EVENT_DRIVEN, "consumer_source": "own"}
    answers["functions"] = [*EVENT_DRIVEN["functions"], {"name": "jobs", "event": "sns", "source": "service"}]
    answers["aws_services"] = ["dynamodb", "sqs", "sns"]
    by_name = {f["name"]: f for f in plan.build_plan(answers)["functions"]}
    assert {name: f["source"] for name, f in by_name.items() if f["source"]} == {
        "processor": "own",
        "stream-processor": "own",
        "jobs": "service",
    }
    assert not by_name["stream-processor"]["users"], "its own table: the kind's own handler"


def test_kinds_without_a_project_resource_have_no_source() -> None:
    for key, kind in CATALOGUE.items():
        if not kind.service:
            assert plan.function_source(kind, {}, list(SERVICES)) == "", key


def test_the_event_driven_preset_is_one_connected_system() -> None:
    """The stream processor reads the users table's stream and sends to the queue the SQS
    processor reads: both take the users example's variant."""
    result = plan.build_plan({**DEFAULT_ANSWERS, **EVENT_DRIVEN})
    by_name = {f["name"]: f for f in result["functions"]}
    assert result["service_keys"] == ["dynamodb", "sqs"]
    stream, processor = by_name["stream-processor"], by_name["processor"]
    assert (stream["source"], stream["users"], stream["service_keys"]) == ("service", True, ["sqs"])
    assert (processor["source"], processor["users"]) == ("service", True)
    assert stream["handler_template"] == "kinds/dynamodb-stream/users/handler.go.jinja"
    assert [s["template"] for s in processor["samples"]] == ["kinds/sqs/users/events/user-events.json.jinja"]
    assert dict(stream["cdk"])["source"] == dict(processor["cdk"])["source"] == "service"
    assert by_name["api"]["crud"] and not by_name["scheduled"]["source"]


def test_a_consumer_of_the_project_s_queue_makes_the_queue_exist() -> None:
    answers = {**DEFAULT_ANSWERS, "aws_services": ["sqs"], "example_crud": False}
    answers["functions"] = [{"name": "api", "event": "apigw-rest", "services": []}, {"name": "jobs", "event": "sqs"}]
    result = plan.build_plan(answers)
    assert result["service_keys"] == ["sqs"], "the consumer's queue is the project's"
    assert result["service_packages"] == ["sqs"], "jobs lists sqs by default, so it may send too"
    assert not result["functions"][1]["users"], "no users example: the kind's own handler"


def test_a_fifo_consumer_has_its_own_fifo_queue_without_a_batching_window() -> None:
    answers = {**DEFAULT_ANSWERS, "functions": [{"name": "ledger", "event": "sqs", "fifo": True, "source": "own"}]}
    (ledger,) = plan.build_plan(answers)["functions"]
    assert ledger["fifo"] is True
    assert dict(ledger["cdk"]) == {
        "batchSize": 10,
        "maxBatchingWindowSeconds": 0,
        "maxReceiveCount": 3,
        "source": "own",
        "fifo": True,
    }


@pytest.mark.parametrize(
    ("answer", "setting"),
    [
        ("", "{ emails: [] }"),
        (None, "{ emails: [] }"),
        ("oncall@example.com", "{ emails: ['oncall@example.com'] }"),
        ("o'brien@example.com", "{ emails: ['o\\'brien@example.com'] }"),
        ("arn:aws:sns:eu-west-1:123456789012:alerts", "{ topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' }"),
    ],
)
def test_alarm_notify_becomes_the_typed_setting(answer: object, setting: str) -> None:
    """service-config.ts gets ServiceConfig.alarmNotify as its type in lib/config-types.ts says."""
    built = plan.build_plan({**DEFAULT_ANSWERS, "alarm_notify": answer})
    assert ts_literal(built["alarm_notify"]) == setting


def test_services_catalogue_matches_the_cdk_app_and_go_packages() -> None:
    """One service, one key, one variable: the catalogue, the CDK app's SERVICE_KEYS (same order)
    and SERVICE_ENV, and the Go package's EnvName agree."""
    keys = re.search(r"export const SERVICE_KEYS = \[([^\]]*)\] as const;", (INFRA / "lib/config-types.ts").read_text())
    assert keys is not None
    assert re.findall(r"'([a-z0-9]+)'", keys.group(1)) == list(SERVICES)
    services_ts = (INFRA / "lib/services.ts").read_text()
    env_block = re.search(r"export const SERVICE_ENV = \{(.*?)\} as const", services_ts, re.S)
    assert env_block is not None
    assert dict(re.findall(r"^\s+(\w+): '(\w+)',$", env_block.group(1), re.M)) == {
        key: service.env for key, service in SERVICES.items()
    }
    for key, service in SERVICES.items():
        folder = f"{{{{ '{service.package}' if '{key}' in plan.service_packages else '' }}}}"
        env_go = (ROOT / "template" / "internal" / folder / "env.go").read_text()
        assert f'const EnvName = "{service.env}"' in env_go, key
        assert f"func {service.constructor}(cfg aws.Config) (*{service.go_type}, error)" in env_go, key


@pytest.mark.parametrize(
    ("key", "modules", "indirect"),
    [
        ("kinesis", ["service/kinesis"], ["aws/protocol/eventstream"]),
        # internal/bus's integration test reads the events a rule sends to an SQS queue.
        ("eventbridge", ["service/eventbridge", "service/sqs"], []),
    ],
)
def test_producer_services_plan(key: str, modules: list[str], indirect: list[str]) -> None:
    answers = {
        **DEFAULT_ANSWERS,
        "example_crud": False,
        "aws_services": [key],
        "functions": [{"name": "worker", "event": "direct"}, {"name": "plain", "event": "direct", "services": []}],
    }
    result = plan.build_plan(answers)
    worker, plain = result["functions"]
    assert worker["service_keys"] == [key] and plain["service_keys"] == []
    assert worker["services"] == [vars(SERVICES[key])]
    assert result["service_packages"] == [key]
    direct = {e["path"]: e["version"] for e in result["go_require"]["direct"]}
    pinned = {e["path"]: e["version"] for e in result["go_require"]["indirect"]}
    for module in modules:
        assert direct[f"{gomod.SDK}/{module}"] == gomod.VERSIONS[f"{gomod.SDK}/{module}"]
    assert gomod.SMITHY in direct  # the package's tests build smithy errors
    for module in indirect:
        assert f"{gomod.SDK}/{module}" in pinned


def test_every_service_says_how_it_keeps_its_data() -> None:
    """SECURITY.md's "At rest" list: one sentence per service of the catalogue, none for others."""
    assert list(PROTECTION) == list(SERVICES)
    assert all(len(text.split()) >= 5 and not text.endswith(".") for text in PROTECTION.values())


@pytest.mark.parametrize(
    ("functions", "url_auth", "says"),
    [
        ([{"name": "api", "event": "apigw-rest"}], None, "unless the API's authorization"),
        ([{"name": "url", "event": "function-url"}], None, "`function_url_auth` AWS_IAM"),
        ([{"name": "url", "event": "function-url"}], "NONE", "anyone: the URL is public"),
        ([{"name": "worker", "event": "direct"}], None, "you grant `lambda:InvokeFunction`"),
        ([{"name": "processor", "event": "sqs"}], None, "its trigger only"),
    ],
)
def test_the_plan_says_who_can_invoke_each_function(
    functions: list[dict[str, str]], url_auth: str | None, says: str
) -> None:
    answers = {**DEFAULT_ANSWERS, "functions": functions, "aws_services": [], "example_crud": False}
    if url_auth:
        answers["function_url_auth"] = url_auth
    (fn,) = plan.build_plan(answers)["functions"]
    assert says in fn["invoked_by"]
    assert fn["trigger"] == CATALOGUE[functions[0]["event"]].title


ALB_ANSWERS = {**DEFAULT_ANSWERS, "functions": [{"name": "alb", "event": "alb"}], "example_crud": False}


@pytest.mark.parametrize(
    ("answers", "https"),
    [
        (
            {"alb_certificate": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"},
            "{ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }",
        ),
        (
            {"alb_certificate": "api.example.com", "alb_hosted_zone_id": "Z0123456789ABCDEFGHIJ"},
            "{ domainName: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }",
        ),
        ({"alb_certificate": "http-only"}, None),
        ({}, None),
    ],
    ids=["arn", "domain", "http-only", "not-asked"],
)
def test_alb_certificate_becomes_the_typed_https_setting(answers: dict[str, str], https: str | None) -> None:
    """An alb function's https (AlbCertificate in lib/config-types.ts); none means plain HTTP."""
    (alb,) = plan.build_plan({**ALB_ANSWERS, **answers})["functions"]
    settings = dict(alb["cdk"])
    assert (ts_literal(settings["https"]) if "https" in settings else None) == https


def test_jest_kind_defaults_give_the_alb_kind_https() -> None:
    (alb,) = [k for k in plan.build_plan(DEFAULT_ANSWERS)["kind_defaults"] if k["key"] == "alb"]
    assert dict(alb["cdk"])["https"] == {"certificateArn": plan.EXAMPLE_CERTIFICATE_ARN}


def test_front_door_settings_follow_the_answers_and_the_kinds() -> None:
    """apiThrottle with a REST or HTTP API function, apiKeys with a REST one, waf with a REST or ALB one."""
    answers = {"api_rate_limit": 50, "api_burst_limit": 70, "api_keys": True, "waf": True}

    def settings(*kinds: str) -> tuple[object, object, object]:
        functions = [{"name": f"f{i}", "event": kind} for i, kind in enumerate(kinds)]
        built = plan.build_plan({**DEFAULT_ANSWERS, **answers, "functions": functions, "example_crud": False})
        return built["api_throttle"], built["api_keys"], built["waf"]

    throttle = {"rateLimit": 50, "burstLimit": 70}
    waf = {"ipRateLimit": plan.WAF_IP_RATE_LIMIT}
    assert settings("apigw-rest") == (throttle, True, waf)
    assert settings("apigw-http") == (throttle, False, None)
    assert settings("alb") == (None, False, waf)
    assert settings("function-url", "sqs") == (None, False, None)
    off = plan.build_plan({**DEFAULT_ANSWERS, "api_keys": False, "waf": False})
    assert (off["api_keys"], off["waf"]) == (False, None)


def test_front_door_defaults_agree_with_copier_yml() -> None:
    assert (COPIER["api_rate_limit"]["default"], COPIER["api_burst_limit"]["default"]) == (
        plan.API_RATE_LIMIT,
        plan.API_BURST_LIMIT,
    )
    built = plan.build_plan(DEFAULT_ANSWERS)  # answers the plan has not seen: copier.yml's defaults
    assert built["api_throttle"] == {"rateLimit": 100, "burstLimit": 200}
    assert (COPIER["api_keys"]["default"], COPIER["waf"]["default"]) == (False, False)
    assert COPIER["alb_certificate"]["default"] == ""  # no usable default: HTTPS needs an answer


@pytest.mark.parametrize(
    ("name", "suffix", "output"),
    [
        ("alb", "AlbDnsName", "AlbDnsName"),
        ("alb-2", "AlbDnsName", "Alb2AlbDnsName"),
        ("admin", "AlbUrl", "AdminAlbUrl"),
        ("api", "ApiKeyId", "ApiKeyId"),
        ("http-api", "ApiUrl", "HttpApiUrl"),
    ],
)
def test_exposed_id_names_outputs_as_the_cdk_app(name: str, suffix: str, output: str) -> None:
    """naming.exposed_id and lib/naming.ts's exposedId give the same output names (the jest tests
    check the app's; these are the README's)."""
    assert naming.exposed_id(name, suffix) == output
    naming_ts = (INFRA / "lib/naming.ts").read_text()
    assert "prefix.endsWith(firstWord)" in naming_ts  # the rule this mirrors


def test_the_readme_names_an_alb_function_s_outputs() -> None:
    answers = {**ALB_ANSWERS, "functions": [{"name": "admin", "event": "alb"}], "alb_certificate": "http-only"}
    (admin,) = plan.build_plan(answers)["functions"]
    assert admin["alb"] == {
        "https": None,
        "dns_output": "AdminAlbDnsName",
        "url_output": "AdminAlbUrl",
        "log_bucket": "AdminAccessLogsBucket",
    }
    (api,) = plan.build_plan(DEFAULT_ANSWERS)["functions"]
    assert api["alb"] is None


def test_the_api_functions_default_to_the_stack_s_user_pool() -> None:
    """api_auth's default is cognito (a pool the stack creates: no input needed), lambda with an
    authorizer function; an entry's auth wins, and function URLs follow function_url_auth."""
    rest_only = plan.default_functions(["apigw-rest"])
    assert plan.default_api_auth(rest_only) == "cognito"
    assert COPIER["api_auth"]["default"] == "{{ functions | default_api_auth }}"
    assert plan.default_api_auth(plan.default_functions(["apigw-http", "authorizer"])) == "lambda"
    assert plan.default_api_auth("not parsed yet") == "cognito"
    result = plan.build_plan(DEFAULT_ANSWERS)
    (api,) = result["functions"]
    assert (api["auth"], api["authorizer"]) == ("cognito", "")
    assert dict(api["cdk"])["auth"] == "cognito"
    assert result["user_pool"] is True and result["auth_modes"] == ["cognito"]
    assert result["crud_auth"] == "cognito" and result["public_data"] == []
    assert api["auth_sample"] == "kinds/apigw-rest/auth/cognito.json.jinja"


def test_each_function_s_auth() -> None:
    functions = [
        {"name": "api", "event": "apigw-rest"},
        {"name": "admin", "event": "apigw-rest", "auth": "iam"},
        {"name": "open", "event": "apigw-http", "auth": "none", "services": []},
        {"name": "data", "event": "apigw-http", "auth": "none"},
        {"name": "partner", "event": "apigw-http", "auth": "jwt"},
        {"name": "custom", "event": "apigw-http", "auth": "lambda", "authorizer": "second-gate"},
        {"name": "url", "event": "function-url"},
        {"name": "url-public", "event": "function-url", "auth": "none", "services": []},
        {"name": "lb", "event": "alb"},
        {"name": "gate", "event": "authorizer"},
        {"name": "second-gate", "event": "authorizer"},
        {"name": "jobs", "event": "sqs"},
    ]
    answers = {
        **DEFAULT_ANSWERS, "functions": functions, "example_crud": False, "api_auth": "lambda",
        "jwt_issuer": "https://example.eu.auth0.com/", "jwt_audience": "https://api.example.com",
    }  # fmt: skip
    result = plan.build_plan(answers)
    by_name = {f["name"]: f for f in result["functions"]}
    assert {name: (f["auth"], f["authorizer"]) for name, f in by_name.items()} == {
        "api": ("lambda", "gate"),  # api_auth, with the first authorizer function
        "admin": ("iam", ""),
        "open": ("none", ""),
        "data": ("none", ""),
        "partner": ("jwt", ""),
        "custom": ("lambda", "second-gate"),
        "url": ("iam", ""),  # function_url_auth's default, AWS_IAM
        "url-public": ("none", ""),
        "lb": ("", ""),  # an ALB target authenticates itself
        "gate": ("", ""),
        "second-gate": ("", ""),
        "jobs": ("", ""),
    }
    assert dict(by_name["api"]["cdk"]) == {"auth": "lambda", "authorizer": "gate"}
    assert dict(by_name["url"]["cdk"])["authType"] == "AWS_IAM"
    assert dict(by_name["url-public"]["cdk"])["authType"] == "NONE"
    assert dict(by_name["gate"]["cdk"]) == {"issuer": "jwt"}, "jwt_issuer given: its tokens"
    assert "auth" not in dict(by_name["lb"]["cdk"]) and "auth" not in dict(by_name["jobs"]["cdk"])
    assert by_name["gate"]["service_keys"] == [], "an authorizer reads no data unless its entry lists services"
    assert by_name["gate"]["main_template"] == "kinds/authorizer/main.go.jinja"
    assert result["auth_modes"] == ["iam", "jwt", "lambda", "none"]
    assert result["user_pool"] is False, "no cognito function, and the authorizers verify jwt_issuer's tokens"
    assert result["jwt"] == {"issuer": "https://example.eu.auth0.com/", "audience": ["https://api.example.com"]}
    assert result["authorizers"] == ["gate", "second-gate"]
    assert [f["name"] for f in result["public_data"]] == ["data"], "public and reaching dynamodb"
    assert {"path": "github.com/golang-jwt/jwt/v5", "version": "v5.3.1"} in result["go_require"]["direct"]
    assert {f["url_output"] for f in result["functions"] if f["name"] in ("api", "url", "partner")} == {
        "ApiUrl",
        "UrlFunctionUrl",
        "PartnerApiUrl",
    }


def test_function_url_auth_is_the_default_of_function_url_entries() -> None:
    functions = [{"name": "url", "event": "function-url"}, {"name": "signed", "event": "function-url", "auth": "iam"}]
    answers = {**DEFAULT_ANSWERS, "functions": functions, "function_url_auth": "NONE", "example_crud": False}
    by_name = {f["name"]: f for f in plan.build_plan(answers)["functions"]}
    assert (by_name["url"]["auth"], dict(by_name["url"]["cdk"])["authType"]) == ("none", "NONE")
    assert (by_name["signed"]["auth"], dict(by_name["signed"]["cdk"])["authType"]) == ("iam", "AWS_IAM")


def test_an_authorizer_without_jwt_issuer_verifies_the_user_pool_s_tokens() -> None:
    functions = [{"name": "api", "event": "apigw-http"}, {"name": "gate", "event": "authorizer"}]
    answers = {**DEFAULT_ANSWERS, "functions": functions, "example_crud": False, "api_auth": "lambda"}
    result = plan.build_plan(answers)
    assert dict(result["functions"][1]["cdk"]) == {"issuer": "user-pool"}
    assert result["user_pool"] is True and result["jwt"] == {}
    # A jwt_issuer where nothing asks for it (no jwt function, no authorizer) is ignored.
    ignored = plan.build_plan({**DEFAULT_ANSWERS, "jwt_issuer": "https://x.example.com/", "jwt_audience": "a"})
    assert ignored["jwt"] == {}


@pytest.mark.parametrize(
    ("functions", "api_auth", "asked"),
    [
        ([{"name": "api", "event": "apigw-rest"}], "cognito", (True, False)),
        ([{"name": "h", "event": "apigw-http"}], "jwt", (True, True)),
        ([{"name": "h", "event": "apigw-http", "auth": "jwt"}], "cognito", (True, True)),
        ([{"name": "gate", "event": "authorizer"}], "cognito", (False, True)),
        ([{"name": "url", "event": "function-url"}], "cognito", (False, False)),
        ("[{name: api}]", "cognito", (False, False)),
    ],
)
def test_auth_questions_are_asked_where_they_apply(functions: object, api_auth: str, asked: tuple[bool, bool]) -> None:
    assert (plan.uses_api_auth(functions), plan.needs_jwt_issuer(functions, api_auth)) == asked


@pytest.mark.parametrize("key", [key for key, kind in CATALOGUE.items() if kind.auth_modes])
def test_every_auth_of_a_kind_has_its_sample_fragment(key: str) -> None:
    """The sample events of a kind with callers carry what each of its auth modes passes on."""
    for mode in CATALOGUE[key].auth_modes:
        assert (ROOT / "kinds" / key / "auth" / f"{mode}.json.jinja").is_file(), f"kinds/{key}/auth/{mode}.json.jinja"
    assert sorted(p.stem.removesuffix(".json") for p in (ROOT / "kinds" / key / "auth").iterdir()) == sorted(
        CATALOGUE[key].auth_modes
    )


def test_auth_questions_list_the_catalogue_s_modes() -> None:
    """One list of auth modes: the catalogue's, api_auth's choices and the CDK app's API_AUTHS."""
    assert sorted(COPIER["api_auth"]["choices"].values()) == sorted(events_module.AUTH_MODES)
    cdk = re.search(r"export const API_AUTHS = \[([^\]]*)\] as const;", (INFRA / "lib/config-types.ts").read_text())
    assert cdk is not None
    assert sorted(re.findall(r"'([a-z]+)'", cdk.group(1))) == sorted(events_module.AUTH_MODES)
    api_modes = {mode for kind in CATALOGUE.values() if kind.auth_answer == "api_auth" for mode in kind.auth_modes}
    assert api_modes == set(events_module.AUTH_MODES)


@pytest.mark.unit
def test_stages_before_the_last_are_disposable_and_the_last_is_production() -> None:
    answers = {"stages": "dev, staging,prod", "alarms": True, "deployment": "canary"}
    early = {
        "removalPolicy": "destroy",
        "logRetentionDays": 7,
        "alarms": False,
        "deployment": {"strategy": "all-at-once"},
    }
    assert plan.stages_plan(answers) == [
        {"name": "dev", **early},
        {"name": "staging", **early},
        {"name": "prod", "removalPolicy": "retain"},
    ]
    # Without alarms or a gradual strategy the early stages have nothing of them to turn off.
    assert plan.stages_plan({"stages": "dev,prod", "deployment": "all-at-once"})[0] == {
        "name": "dev",
        "removalPolicy": "destroy",
        "logRetentionDays": 7,
    }
    assert plan.stages_plan({"stages": ""}) == []


@pytest.mark.unit
def test_scaling_settings_reach_the_cdk_config() -> None:
    entry = {
        "name": "jobs",
        "event": "sqs",
        "reserved_concurrency": 10,
        "provisioned_concurrency": 2,
        "max_concurrency": 5,
    }
    cdk = dict(plan.function_plan(entry, crud=False, aws_services=[])["cdk"])
    assert (cdk["reservedConcurrency"], cdk["provisionedConcurrency"], cdk["maxConcurrency"]) == (10, 2, 5)
    assert plan.build_plan({"functions": [entry], "deployment": "none"})["deployment"] is None
    assert plan.build_plan({"functions": [entry], "deployment": "linear"})["deployment"] == {"strategy": "linear"}
