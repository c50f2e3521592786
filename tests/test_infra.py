"""Infra tier: the generated CDK app type-checks, its jest tests pass, it synthesizes offline
(no AWS account, no network) and the CloudFormation says what the answers asked for."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from plumbum import local

from extensions import gomod, naming
from extensions.events import CATALOGUE
from extensions.services import SERVICES

from . import conftest
from .conftest import generate, require_tool
from .elf import read_build_info, read_elf
from .kinds import (
    ALARM_EMAIL,
    ALB_CERTIFICATE,
    ALB_DOMAIN_ANSWERS,
    BATCH_KINDS,
    EVERY_KIND,
    HTTP_KINDS,
    OUTBOUND_BASE_URL,
    every_kind_twice,
)

pytestmark = pytest.mark.infra

# The cfn-lint installed with the test tools (requirements.txt), next to this interpreter.
CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))

OFFLINE = {
    "CDK_DISABLE_VERSION_CHECK": "1",
    "CDK_DISABLE_CLI_TELEMETRY": "1",
    "AWS_EC2_METADATA_DISABLED": "true",
    # No credentials or region anywhere: synth must not need them.
    "AWS_PROFILE": "",
    "AWS_ACCESS_KEY_ID": "",
    "AWS_SECRET_ACCESS_KEY": "",
}


def run(cwd: Path, *args: str, **env: str) -> str:
    """conftest.run, offline (see OFFLINE)."""
    return conftest.run(cwd, *args, **{**OFFLINE, **env})


def npm_ci(project: Path) -> Path:
    """`make infra-install`, as a user runs it: a real `npm ci` into the project's own
    infrastructure/node_modules. npm's download cache (~/.npm) is shared, so only the first
    project of a session downloads; the others install from the cache."""
    require_tool("npm")
    infra = project / "infrastructure"
    assert not (infra / "node_modules").is_symlink(), "node_modules must be a real install"
    run(project, "make", "infra-install", npm_config_prefer_offline="true")
    return infra


# The stack holding the account's API Gateway CloudWatch Logs role (apigw_cloudwatch_role: stack).
ROLE_STACK = "apigateway-cloudwatch-role"


def stack_templates(project: Path) -> dict[str, Path]:
    """The synthesized templates by stack name."""
    found = (project / "infrastructure/cdk.out").glob("*.template.json")
    return {path.name.removesuffix(".template.json"): path for path in found}


def synth(project: Path, stage: str = "") -> dict[str, Any]:
    """`make synth` (builds the bootstraps first), of `stage` when given (else the Makefile's default
    STAGE), and the parsed template of the service stack, the only one besides the stack of API
    Gateway's CloudWatch Logs role."""
    run(project, "make", "synth", *([f"STAGE={stage}"] if stage else []))
    templates = stack_templates(project)
    stack = template_stack_name(project, stage)
    assert set(templates) - {ROLE_STACK} == {stack}, templates
    return json.loads(templates[stack].read_text())


LISTENER = "AWS::ElasticLoadBalancingV2::Listener"


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {key: r for key, r in template["Resources"].items() if r["Type"] == kind}


# CloudFormation's own rules (cdk.json validateAgainstDefaultRules) may warn of this only: W3694 on
# an sns function's subscription, whose endpoint is the function's live alias (SNS delivers to a
# qualified function ARN; test/compliance.test.ts expects it too).
EXPECTED_CFN_WARNINGS = {"W3694"}


def nag_report(project: Path) -> tuple[list[Any], list[Any]]:
    """cdk-nag's findings from the synth: (open violations, acknowledged ones)."""
    report = json.loads((project / "infrastructure/cdk.out/validation-report.json").read_text())
    cfn = [p for p in report["pluginReports"] if p["pluginName"] == "CloudFormation Validate"]
    expected = lambda v: v["ruleName"] in EXPECTED_CFN_WARNINGS and v["severity"] == "warning"  # noqa: E731
    unexpected = [v for p in cfn for v in p["violations"] if not expected(v)]
    assert unexpected == [], unexpected
    plugins = [p for p in report["pluginReports"] if p not in cfn]
    assert [p["pluginName"] for p in plugins] == ["AwsSolutions"]
    open_ = [v for p in plugins for v in p["violations"]]
    acknowledged = [v for p in plugins for v in p.get("suppressedViolations", [])]
    return open_, acknowledged


def cfn_lint_errors(project: Path) -> list[dict[str, Any]]:
    templates = [str(p) for p in (project / "infrastructure/cdk.out").glob("*.template.json")]
    # W3005 (redundant DependsOn) is an artefact of how CDK orders resources, not a defect.
    with local.env(**OFFLINE):
        _code, out, _err = local[CFN_LINT]["--format", "json", "--ignore-checks=W3005", "--", *templates].run(
            retcode=None
        )
    return [finding for finding in json.loads(out or "[]") if finding["Level"] == "Error"]


def test_everyday_loop_runs_in_the_order_users_run_it(default_project: Path) -> None:
    """With infrastructure/node_modules installed for real (aws-cdk ships .go files there),
    `make synth` and then every Go target pass: go.mod's ignore keeps ./... out of node_modules."""
    npm_ci(default_project)
    stray_go = list((default_project / "infrastructure/node_modules").rglob("*.go"))
    assert stray_go, "node_modules holds no .go file: this test would prove nothing"
    module = json.loads(run(default_project, "go", "mod", "edit", "-json"))
    assert [entry["Path"] for entry in module["Ignore"]] == ["node_modules"]

    def own_go_files() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in default_project.rglob("*.go") if "node_modules" not in p.parts}

    run(default_project, "make", "synth")
    for target in ("test", "vet", "lint", "test-coverage", "build"):
        run(default_project, "make", target)
    coverage = run(default_project, "go", "tool", "cover", "-func=coverage.out").splitlines()
    assert coverage[-1].startswith("total:"), coverage[-1]
    before = own_go_files()
    run(default_project, "make", "fmt")
    assert own_go_files() == before, "make fmt changed generated files"


def test_typescript_and_jest(default_project: Path, tmp_path: Path) -> None:
    infra = npm_ci(default_project)
    run(infra, "npx", "--no-install", "tsc", "--noEmit")
    report = tmp_path / "jest.json"
    run(infra, "npx", "--no-install", "jest", "--json", f"--outputFile={report}")
    results = json.loads(report.read_text())
    assert results["success"] is True
    assert results["numFailedTests"] == 0
    assert results["numPassedTests"] >= 5


def test_a_type_error_stops_a_deploy_before_the_cdk_cli_starts(default_project: Path) -> None:
    """The app synthesizes without type-checking (ts-node --transpile-only, half the time); tsc runs
    before every deploy instead, and fails it before the CDK CLI starts, so no AWS call is made."""
    npm_ci(default_project)
    typo = default_project / "infrastructure/lib/type-error.ts"
    typo.write_text("export const memorySize: number = 'large';\n")
    try:
        for target in ("deploy", "deploy-unattended"):
            with local.cwd(default_project), local.env(**OFFLINE):
                code, out, err = local["make"][target].run(retcode=None)
            assert code != 0, f"make {target} deployed an app that does not type-check"
            assert "lib/type-error.ts" in out + err and "TS2322" in out + err, out + err
            assert "--require-approval" not in out, f"make {target} started cdk deploy"
    finally:
        typo.unlink()


def test_synth_offline_gives_the_default_stack(default_project: Path) -> None:
    npm_ci(default_project)
    template = synth(default_project)

    functions = resources(template, "AWS::Lambda::Function")
    assert len(functions) == 1
    (function,) = functions.values()
    props = function["Properties"]
    assert props["Runtime"] == "provided.al2023"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "bootstrap"
    assert props["MemorySize"] == 1024
    assert props["Timeout"] == 30
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["LoggingConfig"]["LogFormat"] == "JSON"
    assert set(props["Environment"]["Variables"]) >= {"TABLE_NAME", "LOG_LEVEL"}

    (table_id, table) = next(iter(resources(template, "AWS::DynamoDB::GlobalTable").items()))
    keys = {k["AttributeName"]: k["KeyType"] for k in table["Properties"]["KeySchema"]}
    assert keys == {"PK": "HASH", "SK": "RANGE"}
    assert [g["IndexName"] for g in table["Properties"]["GlobalSecondaryIndexes"]] == ["GSI1"]
    # make synth: the first stage, dev, whose data goes with its stack (prod retains it).
    assert table["DeletionPolicy"] == "Delete"

    api_resources = resources(template, "AWS::ApiGateway::Resource")
    path_of = {key: r["Properties"]["PathPart"] for key, r in api_resources.items()}
    assert sorted(path_of.values()) == ["users", "{userId}"]
    methods: dict[str, set[str]] = {}
    for method in resources(template, "AWS::ApiGateway::Method").values():
        parent = method["Properties"]["ResourceId"]
        part = path_of.get(parent.get("Ref"), "/") if isinstance(parent, dict) else "/"
        methods.setdefault(part, set()).add(method["Properties"]["HttpMethod"])
    assert methods == {"users": {"GET", "POST"}, "{userId}": {"GET", "PUT", "DELETE"}}

    statements = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    table_statements = [s for s in statements if json.dumps(s["Resource"]).count(table_id)]
    assert table_statements, "the function is not granted access to the table"
    actions = {a for s in table_statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"} <= actions
    assert not any(a == "*" or a.endswith(":*") for s in statements for a in s["Action"] if isinstance(a, str))

    assert "ApiUrl" in template["Outputs"]
    # The stage throttles every method at the answers' defaults; no key required, no web ACL.
    (stage,) = resources(template, "AWS::ApiGateway::Stage").values()
    (settings,) = stage["Properties"]["MethodSettings"]
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (100, 200)
    assert not any(
        m["Properties"].get("ApiKeyRequired") for m in resources(template, "AWS::ApiGateway::Method").values()
    )
    assert resources(template, "AWS::WAFv2::WebACL") == {}
    assert cfn_lint_errors(default_project) == []

    violations, acknowledged = nag_report(default_project)
    assert violations == []
    assert acknowledged, "cdk-nag ran no rule that needed a decision: is the plugin registered?"
    for finding in acknowledged:
        assert len(finding["reason"]) > 40, finding["acknowledgedId"]
    assert_behind_the_user_pool(template, acknowledged)


def assert_behind_the_user_pool(template: dict[str, Any], acknowledged: list[Any]) -> None:
    """The default project's deployed shape: every method of its REST API is behind the Cognito
    authorizer of the stack's user pool, and no acknowledgement says the API is public."""
    (pool_id, pool) = next(iter(resources(template, "AWS::Cognito::UserPool").items()))
    assert pool["Properties"]["MfaConfiguration"] == "ON"
    assert pool["Properties"]["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    (authorizer_id, authorizer) = next(iter(resources(template, "AWS::ApiGateway::Authorizer").items()))
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["Properties"]["ProviderARNs"] == [{"Fn::GetAtt": [pool_id, "Arn"]}]
    methods = list(resources(template, "AWS::ApiGateway::Method").values())
    assert len(methods) == 5
    for method in methods:
        assert method["Properties"]["AuthorizationType"] == "COGNITO_USER_POOLS", method
        assert method["Properties"]["AuthorizerId"] == {"Ref": authorizer_id}
    rules = {finding["ruleName"] for finding in acknowledged}
    assert not rules & {"AwsSolutions-APIG4", "AwsSolutions-COG4"}, rules
    assert {"UserPoolId", "UserPoolClientId"} <= set(template["Outputs"])


def test_every_auth_mode_synthesizes_clean(copie: Any, tmp_path: Path) -> None:
    """A project with every auth: the CDK app type-checks and its jest tests pass (the deployed
    shape of this very configuration among them); each method and route has its authorizer;
    cdk-nag acknowledges the public API (APIG4) and the REST API authorized by IAM (COG4) only,
    and cfn-lint finds nothing."""
    functions = [
        {"name": "api", "event": "apigw-rest"},  # the users example, api_auth cognito
        {"name": "admin", "event": "apigw-rest", "auth": "iam"},
        {"name": "partner", "event": "apigw-http", "auth": "jwt"},
        {"name": "custom", "event": "apigw-http", "auth": "lambda"},
        {"name": "open", "event": "apigw-http", "auth": "none", "services": []},
        {"name": "url", "event": "function-url", "auth": "none", "services": []},
        {"name": "gate", "event": "authorizer"},
    ]
    project = generate(
        copie, functions=functions, api_auth="cognito",
        jwt_issuer="https://example.eu.auth0.com/", jwt_audience="https://api.example.com",
    )  # fmt: skip
    infra = npm_ci(project)
    run(infra, "npx", "--no-install", "tsc", "--noEmit")
    report = tmp_path / "jest.json"
    run(infra, "npx", "--no-install", "jest", "--json", f"--outputFile={report}", "test/auth.test.ts")
    assert json.loads(report.read_text())["numFailedTests"] == 0
    template = synth(project)

    rest_types = {m["Properties"]["AuthorizationType"] for m in resources(template, "AWS::ApiGateway::Method").values()}
    assert rest_types == {"COGNITO_USER_POOLS", "AWS_IAM"}
    route_types = sorted(
        (r["Properties"]["RouteKey"], r["Properties"].get("AuthorizationType", "NONE"))
        for r in resources(template, "AWS::ApiGatewayV2::Route").values()
    )
    assert route_types == sorted(
        [(f"{method} /hello", auth) for method in ("GET", "POST") for auth in ("JWT", "CUSTOM", "NONE")]
    )
    (jwt,) = [
        a
        for a in resources(template, "AWS::ApiGatewayV2::Authorizer").values()
        if a["Properties"]["AuthorizerType"] == "JWT"
    ]
    assert jwt["Properties"]["JwtConfiguration"] == {
        "Issuer": "https://example.eu.auth0.com/",
        "Audience": ["https://api.example.com"],
    }
    (gate,) = [f for key, f in resources(template, "AWS::Lambda::Function").items() if key.startswith("GateFunction")]
    assert gate["Properties"]["Environment"]["Variables"]["JWT_ISSUER"] == "https://example.eu.auth0.com/"
    assert [u["Properties"]["AuthType"] for u in resources(template, "AWS::Lambda::Url").values()] == ["NONE"]
    assert len(resources(template, "AWS::Cognito::UserPool")) == 1

    assert cfn_lint_errors(project) == []
    violations, acknowledged = nag_report(project)
    assert violations == []
    where = {
        rule: sorted(
            {
                c["constructPath"].split("/")[1]
                for f in acknowledged
                if f["ruleName"] == rule
                for c in f["violatingConstructs"]
            }
        )
        for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4")
    }
    assert where == {"AwsSolutions-APIG4": ["OpenHttpApi"], "AwsSolutions-COG4": ["AdminRestApi"]}


def test_rest_api_logs_work_on_a_fresh_account(default_project: Path) -> None:
    """The default answers (apigw_cloudwatch_role: stack): the app deploys the account's API Gateway
    CloudWatch Logs role in a stack of its own, before the service stack, whose REST stage writes a
    JSON access log and ERROR execution logs into groups with a retention; cfn-lint and cdk-nag
    accept both stacks, with one acknowledgement (AWS's managed policy of that role)."""
    npm_ci(default_project)
    template = synth(default_project)
    templates = stack_templates(default_project)
    assert set(templates) == {"my-service-dev", ROLE_STACK}, "make synth: the first stage's stack only"
    manifest = json.loads((default_project / "infrastructure/cdk.out/manifest.json").read_text())
    assert ROLE_STACK in manifest["artifacts"]["my-service-dev"]["dependencies"], "the role must be deployed first"

    role_template = json.loads(templates[ROLE_STACK].read_text())
    ((role_id, role),) = resources(role_template, "AWS::IAM::Role").items()
    (account,) = resources(role_template, "AWS::ApiGateway::Account").values()
    assert account["Properties"] == {"CloudWatchRoleArn": {"Fn::GetAtt": [role_id, "Arn"]}}
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"
    }
    assert account["DeletionPolicy"] == role["DeletionPolicy"] == "Retain"
    assert resources(template, "AWS::ApiGateway::Account") == {}, "a service stack never sets the account's role"

    (stage,) = resources(template, "AWS::ApiGateway::Stage").values()
    fields = json.loads(stage["Properties"]["AccessLogSetting"]["Format"])
    assert {"requestId", "ip", "caller", "principalId", "routeKey", "status", "responseLatency"} <= set(fields)
    assert fields["routeKey"] == "$context.httpMethod $context.resourcePath"
    assert stage["Properties"]["MethodSettings"] == [
        {
            "HttpMethod": "*",
            "ResourcePath": "/*",
            "LoggingLevel": "ERROR",
            "DataTraceEnabled": False,
            # The stage's throttling (api_rate_limit, api_burst_limit) shares the method settings.
            "ThrottlingRateLimit": 100,
            "ThrottlingBurstLimit": 200,
        }
    ]
    groups = resources(template, "AWS::Logs::LogGroup")
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {7}, "dev keeps logs a week"
    destination = json.dumps(stage["Properties"]["AccessLogSetting"]["DestinationArn"])
    assert [key for key in groups if json.dumps({"Ref": key}) in destination], "the access log has no group"
    (execution,) = [key for key, g in groups.items() if "LogGroupName" in g["Properties"]]
    name = groups[execution]["Properties"]["LogGroupName"]["Fn::Join"][1]
    assert name[0] == "API-Gateway-Execution-Logs_" and name[-1] == "/prod"
    assert execution in stage["DependsOn"], "API Gateway would create the group first, without a retention"

    assert cfn_lint_errors(default_project) == []
    violations, acknowledged = nag_report(default_project)
    assert violations == []
    rules = {finding["ruleName"] for finding in acknowledged}
    assert not rules & {"AwsSolutions-APIG1", "AwsSolutions-APIG6"}, "REST logging is on: nothing to acknowledge"
    in_role_stack = [
        finding["ruleName"]
        for finding in acknowledged
        if any(c["constructPath"].startswith(f"{ROLE_STACK}/") for c in finding["violatingConstructs"])
    ]
    assert in_role_stack == [
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]"
    ]


def test_synth_follows_architecture_and_runtime(copie: Any) -> None:
    project = generate(
        copie,
        architecture="x86_64",
        tracing="none",
        functions=[{"name": "api", "event": "apigw-rest"}, {"name": "admin", "event": "apigw-rest", "memory": 512}],
    )
    npm_ci(project)
    template = synth(project)
    functions = list(resources(template, "AWS::Lambda::Function").values())
    assert len(functions) == 2
    for function in functions:
        assert function["Properties"]["Architectures"] == ["x86_64"]
        assert "TracingConfig" not in function["Properties"]
    assert sorted(f["Properties"]["MemorySize"] for f in functions) == [512, 1024]
    assert len(resources(template, "AWS::ApiGateway::RestApi")) == 2
    assert cfn_lint_errors(project) == []


def test_go_function_bundling_compiles_at_synth(copie: Any) -> None:
    """cdk_bundling=go-function: no make build; GoFunction builds a static arm64 bootstrap."""
    project = generate(copie, cdk_bundling="go-function", alarms=True)
    npm_ci(project)
    template = synth(project, stage="prod")  # the stages before the last have no alarms
    assert not (project / "build").exists(), "go-function mode must not need make build"
    (function,) = resources(template, "AWS::Lambda::Function").values()
    assert function["Properties"]["Runtime"] == "provided.al2023"
    assert function["Properties"]["Architectures"] == ["arm64"]
    bootstraps = list((project / "infrastructure/cdk.out").glob("asset.*/bootstrap"))
    assert len(bootstraps) == 1
    assert read_elf(bootstraps[0]) == (("arm64", True))
    # Built with make build's deploy tags: the default config chain is not linked in.
    build = read_build_info(bootstraps[0])
    assert build.settings["-tags"] == "lambda.norpc,awsconfig.lambdaonly", build.settings
    assert f"{gomod.SDK}/service/dynamodb" in build.modules and f"{gomod.SDK}/config" not in build.modules
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    metrics = sorted(a["Properties"]["MetricName"] for a in alarms.values())
    assert metrics == ["5XXError", "Errors", "Latency", "Throttles"]
    assert_alarms_notify(template, {"Ref": alarm_topic_id(template)})
    violations, _ = nag_report(project)
    assert violations == []
    assert cfn_lint_errors(project) == []


def function_logical_id(template: dict[str, Any], name: str) -> str:
    """The logical id of the Go function `name` (construct id `<Pascal name>Function`)."""
    prefix = f"{naming.pascal(name)}Function"
    (found,) = [
        key
        for key, r in resources(template, "AWS::Lambda::Function").items()
        if key.startswith(prefix) and r["Properties"].get("Runtime", "").startswith("provided")
    ]
    return found


def logical_ids_in(value: Any) -> set[str]:
    """The logical ids a CloudFormation value names with Ref or Fn::GetAtt."""
    if isinstance(value, dict):
        named = {value["Ref"]} if isinstance(value.get("Ref"), str) else set()
        if isinstance(value.get("Fn::GetAtt"), list):
            named.add(value["Fn::GetAtt"][0])
        return named.union(*(logical_ids_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(logical_ids_in(v) for v in value))
    return set()


def invoked_functions(template: dict[str, Any], value: Any) -> set[str]:
    """The functions (logical ids) a trigger's value invokes: each one it names, and the function of
    each live alias it names (lib/deploys.ts: triggers invoke the alias)."""
    named = logical_ids_in(value)
    aliases = resources(template, "AWS::Lambda::Alias")
    return {aliases[key]["Properties"]["FunctionName"]["Ref"] if key in aliases else key for key in named}


def test_every_kind_synthesizes_with_its_trigger(every_kind_project: Path) -> None:
    """One function of every kind: each trigger is in the CloudFormation, batch sources report item
    failures, every queue is encrypted, and cfn-lint and cdk-nag find nothing open."""
    infra = npm_ci(every_kind_project)
    run(infra, "npx", "--no-install", "tsc", "--noEmit")
    template = synth(every_kind_project)
    go_functions = {fn["name"]: function_logical_id(template, fn["name"]) for fn in EVERY_KIND}
    kind_of = {fn["name"]: fn["event"] for fn in EVERY_KIND}

    def refers_to(value: Any, logical_id: str) -> bool:
        return logical_id in invoked_functions(template, value)

    # Batch kinds: one event source mapping each, reporting failed items only.
    mappings = list(resources(template, "AWS::Lambda::EventSourceMapping").values())
    batch_functions = [name for name, kind in kind_of.items() if kind in BATCH_KINDS]
    assert len(mappings) == len(batch_functions)
    for name in batch_functions:
        (mapping,) = [m for m in mappings if refers_to(m["Properties"]["FunctionName"], go_functions[name])]
        props = mapping["Properties"]
        settings = dict(CATALOGUE[kind_of[name]].cdk)
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        assert props["BatchSize"] == settings["batchSize"], name
        assert props["MaximumBatchingWindowInSeconds"] == settings["maxBatchingWindowSeconds"], name
        if kind_of[name] != "sqs":  # streams: start at the tip, retry, then park the batch in a DLQ
            assert props["StartingPosition"] == "LATEST", name
            assert props["MaximumRetryAttempts"] == settings["retryAttempts"], name
            assert props["DestinationConfig"]["OnFailure"]["Destination"], name

    queues = resources(template, "AWS::SQS::Queue")
    for key, queue in queues.items():
        props = queue["Properties"]
        assert props.get("SqsManagedSseEnabled") or props.get("KmsMasterKeyId"), f"{key} is not encrypted"
    redriven = [q["Properties"] for q in queues.values() if "RedrivePolicy" in q["Properties"]]
    sqs_timeouts = sorted(6 * CATALOGUE["sqs"].timeout for name, kind in kind_of.items() if kind == "sqs")
    assert sorted(q["VisibilityTimeout"] for q in redriven if q["RedrivePolicy"]["maxReceiveCount"] == 3) == (
        sqs_timeouts
    )

    tables = resources(template, "AWS::DynamoDB::GlobalTable").values()
    (stream_table,) = [t for t in tables if "StreamSpecification" in t["Properties"]]
    assert stream_table["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert len(resources(template, "AWS::Kinesis::Stream")) == 1
    assert len(resources(template, "AWS::ApiGateway::RestApi")) == 1
    assert [a["Properties"]["ProtocolType"] for a in resources(template, "AWS::ApiGatewayV2::Api").values()] == ["HTTP"]
    assert len(resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")) == 1
    # The ALB serves HTTPS with the certificate the stack issues for the domain (tests/kinds.py).
    (certificate_id, certificate) = next(iter(resources(template, "AWS::CertificateManager::Certificate").items()))
    assert certificate["Properties"]["DomainValidationOptions"] == [
        {"DomainName": ALB_DOMAIN_ANSWERS["alb_certificate"], "HostedZoneId": ALB_DOMAIN_ANSWERS["alb_hosted_zone_id"]}
    ]
    listeners = {r["Properties"]["Port"]: r["Properties"] for r in resources(template, LISTENER).values()}
    assert listeners[443]["Certificates"] == [{"CertificateArn": {"Ref": certificate_id}}]
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["StatusCode"] == "HTTP_301"
    (alias,) = resources(template, "AWS::Route53::RecordSet").values()
    assert (alias["Properties"]["Name"], alias["Properties"]["Type"]) == ("api.example.com.", "A")
    urls = list(resources(template, "AWS::Lambda::Url").values())
    assert len(urls) == 2 and all(u["Properties"]["AuthType"] == "AWS_IAM" and u["Properties"]["Cors"] for u in urls)
    assert [s["Properties"]["Protocol"] for s in resources(template, "AWS::SNS::Subscription").values()] == ["lambda"]
    notifications = resources(template, "Custom::S3BucketNotifications")
    assert refers_to(notifications, go_functions["s3-processor"])
    rules = list(resources(template, "AWS::Events::Rule").values())
    schedules = sorted(r["Properties"]["ScheduleExpression"] for r in rules if "ScheduleExpression" in r["Properties"])
    assert schedules == sorted(dict(CATALOGUE["schedule"].cdk)["schedules"])
    patterns = [r["Properties"]["EventPattern"] for r in rules if "EventPattern" in r["Properties"]]
    assert patterns == [{"source": ["com.example.orders"], "detail-type": ["Order Placed"]}]

    assert cfn_lint_errors(every_kind_project) == []
    violations, acknowledged = nag_report(every_kind_project)
    assert violations == [], [v.get("ruleName") or v for v in violations][:10]
    for finding in acknowledged:
        assert len(finding["reason"]) > 40, finding["acknowledgedId"]


def test_two_of_every_kind_with_every_service_synthesize(every_kind_twice_project: Path) -> None:
    """Two triggers of every kind in one stack: distinct construct ids, one mapping per batch
    function reporting item failures, every function granted every service, nothing open."""
    project = every_kind_twice_project
    npm_ci(project)
    template = synth(project, stage="prod")  # the production stage: with the alarms
    functions = every_kind_twice()["functions"]
    logical_ids = {fn["name"]: function_logical_id(template, fn["name"]) for fn in functions}
    assert len(set(logical_ids.values())) == len(functions)

    # Each mapping invokes its function's live alias (deployment all-at-once, the default).
    alias_of = {
        a["Properties"]["FunctionName"]["Ref"]: key for key, a in resources(template, "AWS::Lambda::Alias").items()
    }
    assert sorted(alias_of) == sorted(logical_ids.values()), "every function has its live alias"
    mappings = resources(template, "AWS::Lambda::EventSourceMapping").values()
    batch = [fn["name"] for fn in functions if fn["event"] in BATCH_KINDS]
    invoked = [
        set(alias_of.values()) & set(re.findall(r"\w+", json.dumps(m["Properties"]["FunctionName"]))) for m in mappings
    ]
    assert sorted(next(iter(found)) for found in invoked) == sorted(alias_of[logical_ids[name]] for name in batch)
    assert all(m["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"] for m in mappings)

    lambdas = resources(template, "AWS::Lambda::Function")
    for name, logical_id in logical_ids.items():
        variables = lambdas[logical_id]["Properties"]["Environment"]["Variables"]
        expected = {service.env for service in SERVICES.values()}
        assert expected <= set(variables), f"{name}: {sorted(variables)}"
        assert variables["OUTBOUND_BASE_URL"] == OUTBOUND_BASE_URL, name

    assert cfn_lint_errors(project) == []
    violations, _ = nag_report(project)
    assert violations == [], [v.get("ruleName") or v for v in violations][:10]

    # Alarms on, to an email address: every alarm tells the stack's topic, which sends to the address.
    topic_id = alarm_topic_id(template)
    assert_alarms_notify(template, {"Ref": topic_id})
    alarm_names = {a["Properties"]["AlarmName"] for a in resources(template, "AWS::CloudWatch::Alarm").values()}
    stack = template_stack_name(project, "prod")
    for fn in functions:
        expected = {"errors", "throttles"}
        expected |= {"server-error-rate", "latency-p99"} if fn["event"] in HTTP_KINDS else set()
        expected |= {"failed-items"} if fn["event"] in BATCH_KINDS else set()
        assert {f"{stack}-{fn['name']}-{what}" for what in expected} <= alarm_names, fn["name"]
    emails = [
        s["Properties"]
        for s in resources(template, "AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "email"
    ]
    assert emails == [{"Protocol": "email", "Endpoint": ALARM_EMAIL, "TopicArn": {"Ref": topic_id}}]
    topic = template["Resources"][topic_id]["Properties"]
    key = template["Resources"][topic["KmsMasterKeyId"]["Fn::GetAtt"][0]]["Properties"]
    assert key["EnableKeyRotation"] is True
    (for_cloudwatch,) = [st for st in key["KeyPolicy"]["Statement"] if "Service" in st["Principal"]]
    assert for_cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(for_cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert for_cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert template["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": topic_id}


def test_the_event_driven_preset_connects_each_producer_to_its_consumer(event_driven_project: Path) -> None:
    """In the synthesized template, each consumer's event source is the very resource that its
    producer's environment names and its grant covers: the API writes the table whose stream
    triggers the stream processor, which sends to the queue that triggers the SQS processor."""
    npm_ci(event_driven_project)
    template = synth(event_driven_project)
    functions = {name: function_logical_id(template, name) for name in ("api", "stream-processor", "processor")}

    def env(name: str) -> dict[str, Any]:
        return template["Resources"][functions[name]]["Properties"]["Environment"]["Variables"]

    def source_of(name: str) -> Any:
        (mapping,) = [
            m["Properties"]
            for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
            if invoked_functions(template, m["Properties"]["FunctionName"]) == {functions[name]}
        ]
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        return mapping["EventSourceArn"]

    def granted(name: str, action: str) -> list[Any]:
        """The resources of the statements of the function's role that allow action."""
        role = template["Resources"][functions[name]]["Properties"]["Role"]["Fn::GetAtt"][0]
        as_list = lambda value: value if isinstance(value, list) else [value]  # noqa: E731
        return [
            resource
            for policy in resources(template, "AWS::IAM::Policy").values()
            if {"Ref": role} in policy["Properties"]["Roles"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            if action in as_list(statement["Action"])
            for resource in as_list(statement["Resource"])
        ]

    table = env("api")["TABLE_NAME"]["Ref"]
    assert source_of("stream-processor") == {"Fn::GetAtt": [table, "StreamArn"]}
    assert {"Fn::GetAtt": [table, "Arn"]} in granted("api", "dynamodb:PutItem")
    queue = env("stream-processor")["QUEUE_URL"]["Ref"]
    assert source_of("processor") == {"Fn::GetAtt": [queue, "Arn"]}
    # Its own stream's dead-letter queue besides: Lambda sends failed batches' descriptions with the function's role.
    assert {"Fn::GetAtt": [queue, "Arn"]} in granted("stream-processor", "sqs:SendMessage")
    assert "QUEUE_URL" not in env("processor"), "the consumer does not send to its own queue"
    assert len(resources(template, "AWS::DynamoDB::GlobalTable")) == 1, "one table: the users'"
    assert cfn_lint_errors(event_driven_project) == []
    assert nag_report(event_driven_project)[0] == []


def alarm_topic_id(template: dict[str, Any]) -> str:
    """The logical id of the alarm topic the stack creates (construct id AlarmTopic)."""
    (found,) = [key for key in resources(template, "AWS::SNS::Topic") if key.startswith("AlarmTopic")]
    return found


def template_stack_name(project: Path, stage: str = "") -> str:
    """The service stack's name: <project>-<stage> (the first stage by default), or the project name
    without stages."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    stages = [name.strip() for name in str(answers.get("stages") or "").split(",") if name.strip()]
    return f"{answers['project_name']}-{stage or stages[0]}" if stages else answers["project_name"]


def assert_alarms_notify(template: dict[str, Any], topic: Any) -> None:
    """Every alarm of the stack tells `topic` when it goes off and when it clears."""
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    assert alarms, "no alarm: this check would prove nothing"
    for key, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [topic], key
        assert alarm["Properties"]["OKActions"] == [topic], key


def test_alarms_can_notify_an_existing_topic(copie: Any) -> None:
    """alarm_notify with a topic ARN: no topic or key of the stack's own; every alarm notifies that
    ARN, the REST function has its 5xx rate and p99 latency alarms, and nothing is left open. With
    deployment canary, the production stage (the last) shifts the live alias with CodeDeploy,
    rolled back by the alias's errors and p99 duration, and cdk-nag's one finding of it, CodeDeploy's
    managed policy, is acknowledged."""
    topic_arn = "arn:aws:sns:us-east-1:123456789012:team-alerts"
    project = generate(copie, alarms=True, alarm_notify=topic_arn, deployment="canary")
    npm_ci(project)
    template = synth(project, stage="prod")
    assert resources(template, "AWS::SNS::Topic") == {}
    assert resources(template, "AWS::KMS::Key") == {}
    assert_alarms_notify(template, topic_arn)
    assert template["Outputs"]["AlarmTopicArn"]["Value"] == topic_arn
    metrics = sorted(a["Properties"]["MetricName"] for a in resources(template, "AWS::CloudWatch::Alarm").values())
    assert metrics == ["5XXError", "Duration", "Errors", "Errors", "Latency", "Throttles"]
    (group,) = resources(template, "AWS::CodeDeploy::DeploymentGroup").values()
    assert group["Properties"]["DeploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    (alias_id, alias) = next(iter(resources(template, "AWS::Lambda::Alias").items()))
    assert alias["Properties"]["Name"] == "live" and "CodeDeployLambdaAliasUpdate" in alias["UpdatePolicy"]
    (permission,) = resources(template, "AWS::Lambda::Permission").values()
    assert permission["Properties"]["FunctionName"] == {"Ref": alias_id}, "the REST API must invoke the alias"
    assert cfn_lint_errors(project) == []
    violations, acknowledged = nag_report(project)
    assert violations == []
    policy = (
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]"
    )
    assert policy in {finding["ruleName"] for finding in acknowledged}


def validation_report(project: Path) -> dict[str, list[dict[str, Any]]]:
    """The violations of every plugin of the synth's validation report, by plugin name."""
    report = json.loads((project / "infrastructure/cdk.out/validation-report.json").read_text())
    return {p["pluginName"]: p["violations"] for p in report["pluginReports"]}


def test_front_doors_serve_https_throttle_require_keys_and_sit_behind_waf(copie: Any) -> None:
    """A REST API, an HTTP API and an ALB with every front-door answer: HTTPS with the given
    certificate and a TLS 1.2+ policy, port 80 redirecting, access logs Elastic Load Balancing may
    write, throttled stages, a usage plan with its key, and one web ACL on the REST stage and the
    load balancer only. Nothing open for cdk-nag or cfn-lint, and no warning."""
    project = generate(
        copie,
        functions=[
            {"name": "api", "event": "apigw-rest"},
            {"name": "http-api", "event": "apigw-http"},
            {"name": "alb", "event": "alb"},
        ],
        aws_services=[],
        example_crud=False,
        alb_certificate=ALB_CERTIFICATE,
        api_rate_limit=25,
        api_burst_limit=50,
        api_keys=True,
        waf=True,
    )
    npm_ci(project)
    template = synth(project)

    listeners = {r["Properties"]["Port"]: r["Properties"] for r in resources(template, LISTENER).values()}
    assert sorted(listeners) == [80, 443]
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["Certificates"] == [{"CertificateArn": ALB_CERTIFICATE}]
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09"
    assert listeners[80]["DefaultActions"] == [
        {"Type": "redirect", "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"}}
    ]
    (lb_id, lb) = next(iter(resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").items()))
    attributes = {a["Key"]: a["Value"] for a in lb["Properties"]["LoadBalancerAttributes"]}
    assert attributes["access_logs.s3.enabled"] == "true"
    bucket_id = attributes["access_logs.s3.bucket"]["Ref"]
    encryption = template["Resources"][bucket_id]["Properties"]["BucketEncryption"]
    assert encryption["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    policies = resources(template, "AWS::S3::BucketPolicy")
    (policy_id,) = [key for key, p in policies.items() if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    policy = policies[policy_id]
    (writes,) = [st for st in policy["Properties"]["PolicyDocument"]["Statement"] if st["Effect"] == "Allow"]
    # make synth runs in the project's region (us-east-1), whose legacy ELB account may write too.
    assert writes["Principal"] == {
        "Service": "logdelivery.elasticloadbalancing.amazonaws.com",
        "AWS": "arn:aws:iam::127311923021:root",
    }
    assert writes["Action"] == "s3:PutObject"
    assert writes["Resource"]["Fn::Join"][1][1:] == ["/alb/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]
    assert policy_id in lb["DependsOn"]

    (rest_stage,) = resources(template, "AWS::ApiGateway::Stage").values()
    (settings,) = rest_stage["Properties"]["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (25, 50)
    (http_stage,) = resources(template, "AWS::ApiGatewayV2::Stage").values()
    assert http_stage["Properties"]["DefaultRouteSettings"] == {"ThrottlingRateLimit": 25, "ThrottlingBurstLimit": 50}

    methods = resources(template, "AWS::ApiGateway::Method").values()
    assert methods and all(m["Properties"]["ApiKeyRequired"] is True for m in methods)
    (plan,) = resources(template, "AWS::ApiGateway::UsagePlan").values()
    assert plan["Properties"]["Throttle"] == {"RateLimit": 25, "BurstLimit": 50}
    (key_id,) = resources(template, "AWS::ApiGateway::ApiKey")
    assert template["Outputs"]["ApiKeyId"]["Value"] == {"Ref": key_id}

    (acl_id, acl) = next(iter(resources(template, "AWS::WAFv2::WebACL").items()))
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert [r["Name"] for r in acl["Properties"]["Rules"]] == [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "RateLimitPerIp",
    ]
    visibility = [acl["Properties"]["VisibilityConfig"], *(r["VisibilityConfig"] for r in acl["Properties"]["Rules"])]
    assert all(v["CloudWatchMetricsEnabled"] and v["SampledRequestsEnabled"] for v in visibility)
    associations = list(resources(template, "AWS::WAFv2::WebACLAssociation").values())
    assert [a["Properties"]["WebACLArn"] for a in associations] == [{"Fn::GetAtt": [acl_id, "Arn"]}] * 2
    protected = [json.dumps(a["Properties"]["ResourceArn"]) for a in associations]
    assert json.dumps({"Ref": lb_id}) in protected
    assert any("/stages/" in arn for arn in protected), "the REST API's stage"

    assert cfn_lint_errors(project) == []
    violations, acknowledged = nag_report(project)
    assert violations == []
    assert "AwsSolutions-APIG3" not in {a["ruleName"] for a in acknowledged}, "the web ACL protects the stage"
    assert "AwsSolutions-ELB2" not in {a["ruleName"] for a in acknowledged}, "the ALB has access logs"


def test_a_plain_http_load_balancer_synthesizes_with_a_warning(copie: Any) -> None:
    """alb_certificate http-only: port 80 serves the function, no certificate, and every synth
    reports the plain HTTP warning (the only finding, and not a failure)."""
    project = generate(copie, functions=[{"name": "alb", "event": "alb"}], aws_services=[], alb_certificate="http-only")
    npm_ci(project)
    template = synth(project)
    (listener,) = resources(template, LISTENER).values()
    assert (listener["Properties"]["Port"], listener["Properties"]["Protocol"]) == (80, "HTTP")
    assert resources(template, "AWS::CertificateManager::Certificate") == {}
    report = validation_report(project)
    assert report["AwsSolutions"] == []
    warnings = [(v["ruleName"], v["severity"]) for v in report["Construct Annotations"]]
    assert warnings == [("Annotation::go-lambda-template:albPlainHttp", "warning")]
    assert cfn_lint_errors(project) == []


def test_a_production_project_synthesizes_each_stage_and_passes_its_tests(production_project: Path) -> None:
    """Three stages, canary deploys, alarms, idempotency, tracing spans, metrics and an outbound HTTP
    client in one project: the production stage shifts every function's live alias with CodeDeploy
    and keeps its data, the dev stage deploys at once and deletes its data; each synthesizes offline
    with nothing open for cdk-nag or cfn-lint; jest and go test -race pass."""
    project = production_project
    npm_ci(project)
    for stage, retained, deploys in (("dev", False, False), ("prod", True, True)):
        shutil.rmtree(project / "infrastructure/cdk.out", ignore_errors=True)  # one stage's templates
        template = synth(project, stage=stage)
        functions = {
            key: fn
            for key, fn in resources(template, "AWS::Lambda::Function").items()
            if "METRICS_NAMESPACE" in fn["Properties"].get("Environment", {}).get("Variables", {})
        }
        assert len(functions) == 3, sorted(functions)
        for key, fn in functions.items():
            variables = fn["Properties"]["Environment"]["Variables"]
            assert variables["OUTBOUND_BASE_URL"] == "https://partner.example.com/v1", key
            assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}, key
        idempotent = [
            key
            for key, fn in functions.items()
            if "IDEMPOTENCY_TABLE_NAME" in fn["Properties"]["Environment"]["Variables"]
        ]
        assert len(idempotent) == 2, "the sqs and eventbridge functions skip repeats"
        tables = resources(template, "AWS::DynamoDB::GlobalTable").values()  # TableV2
        ttl = [
            t for t in tables if t["Properties"].get("TimeToLiveSpecification", {}).get("AttributeName") == "expiration"
        ]
        assert len(ttl) == 1, "one idempotency table, its records expiring"
        users = [t for t in tables if t not in ttl]
        assert [t.get("DeletionPolicy") for t in users] == ["Retain" if retained else "Delete"], stage
        groups = resources(template, "AWS::CodeDeploy::DeploymentGroup").values()
        assert len(groups) == (3 if deploys else 0), stage
        for group in groups:
            assert group["Properties"]["DeploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
            assert group["Properties"]["AutoRollbackConfiguration"]["Enabled"] is True
        assert cfn_lint_errors(project) == []
        violations, _acknowledged = nag_report(project)
        assert violations == [], stage
    run(project, "make", "infra-test")
    run(project, "make", "test")
