"""Answers -> render plan. Pure functions, no I/O: the same answers always give the same plan.

The template's files only render what this module decides: which functions exist, what each one
is called in Go, CDK and the file system, which kind files and sample events it uses, and which
Go modules the project requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import gomod
from .catalog import catalog_plan
from .events import AUTHORIZER_KINDS, CATALOGUE, FUNCTION_URL_AUTH, USERS_ROUTES, EventKind, Route
from .naming import env_name, exposed_id, go_type_name, pascal
from .services import PROTECTION, SERVICES

GOARCH = {"arm64": "arm64", "x86_64": "amd64"}
CDK_ARCHITECTURE = {"arm64": "ARM_64", "x86_64": "X86_64"}
CDK_RUNTIME = {"provided.al2023": "PROVIDED_AL2023", "provided.al2": "PROVIDED_AL2"}


def default_functions(events: list[str] | None) -> list[dict[str, Any]]:
    """The ``functions`` default: one function per chosen event kind, named as in the seed."""
    return [
        {"name": kind.default_name, "event": kind.key, "memory": kind.memory, "timeout": kind.timeout}
        for kind in (CATALOGUE[key] for key in events or [] if key in CATALOGUE)
    ]


def function_kinds(functions: Any) -> list[str]:
    """The event kinds of a ``functions`` answer, for questions asked only with some kind.

    Tolerates an answer the validator has not seen yet: anything malformed has no kinds.
    """
    if not isinstance(functions, list):
        return []
    return [f["event"] for f in functions if isinstance(f, Mapping) and isinstance(f.get("event"), str)]


# api_auth's default: a user pool the stack creates needs no input and keeps the users' names and
# addresses behind a sign-in; with an authorizer function in the project, that function.
DEFAULT_API_AUTH = "cognito"


def default_api_auth(functions: Any) -> str:
    """The default of ``api_auth``: lambda when the project has an authorizer function."""
    return "lambda" if any(kind in AUTHORIZER_KINDS for kind in function_kinds(functions)) else DEFAULT_API_AUTH


def function_auth(kind: EventKind, answer: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    """Who may call the function: its entry's ``auth``, else the project-wide answer of its kind
    (api_auth, or function_url_auth); "" for kinds without callers to authenticate."""
    if not kind.auth_modes:
        return ""
    if answer.get("auth") in kind.auth_modes:
        return str(answer["auth"])
    if kind.auth_answer == "function_url_auth":
        return FUNCTION_URL_AUTH.get(str(answers.get("function_url_auth") or "AWS_IAM"), "iam")
    return str(answers.get("api_auth") or default_api_auth(answers.get("functions")))


def function_authorizer(answer: Mapping[str, Any], auth: str, functions: list[Any]) -> str:
    """The authorizer function of a function with auth lambda: the one its entry names, else the
    project's first; "" otherwise."""
    if auth != "lambda":
        return ""
    if answer.get("authorizer"):
        return str(answer["authorizer"])
    return next((str(f["name"]) for f in functions if _is_mapping_of(f, AUTHORIZER_KINDS)), "")


def _is_mapping_of(entry: Any, kinds: tuple[str, ...]) -> bool:
    return isinstance(entry, Mapping) and entry.get("event") in kinds and isinstance(entry.get("name"), str)


def auth_modes(functions: Any, answers: Mapping[str, Any]) -> list[str]:
    """The auth modes the functions of a ``functions`` answer end up with, for the questions asked
    only with some mode; tolerates an answer the validator has not seen yet."""
    if not isinstance(functions, list):
        return []
    found = {function_auth(CATALOGUE[f["event"]], f, answers) for f in functions if _is_mapping_of(f, tuple(CATALOGUE))}
    return sorted(found - {""})


def uses_api_auth(functions: Any) -> bool:
    """Whether the ``api_auth`` question applies: some function takes it by default."""
    return any(CATALOGUE[kind].auth_answer == "api_auth" for kind in function_kinds(functions) if kind in CATALOGUE)


def needs_jwt_issuer(functions: Any, api_auth: Any) -> bool:
    """Whether ``jwt_issuer`` applies: some function has auth jwt, or the project has an
    authorizer function (which verifies the issuer's tokens, or else the stack's user pool's)."""
    modes = auth_modes(functions, {"api_auth": api_auth})
    return "jwt" in modes or any(kind in AUTHORIZER_KINDS for kind in function_kinds(functions))


def _route(route: Route) -> dict[str, str]:
    return {"method": route.method, "path": route.path, "sample": route.sample}


def _sample(file: str, kind_dir: str) -> dict[str, str]:
    return {"file": file, "template": f"{kind_dir}/events/{file}.jinja"}


# The alb_certificate answer for plain HTTP on port 80, without a certificate.
HTTP_ONLY = "http-only"

# The certificate the CDK app's jest tests give ALB functions (test/kind-defaults.ts): the
# catalogue's defaults are what a generated project with HTTPS has.
EXAMPLE_CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"

# The defaults of the api_rate_limit and api_burst_limit answers (copier.yml): steady requests per
# second and burst of every REST and HTTP API stage, far below the account's 10,000 and 5,000,
# which all of the account's APIs in a region share, so one API cannot take them all.
API_RATE_LIMIT = 100
API_BURST_LIMIT = 200

# ServiceConfig.waf of a project that answered waf: a client IP may send 2000 requests in any
# 5 minutes (about 7 a second) before WAF blocks it; edit it in lib/service-config.ts.
WAF_IP_RATE_LIMIT = 2000

# The kinds that have an API Gateway stage to throttle, that can require API keys, that WAF
# can protect (HTTP APIs and function URLs cannot have a web ACL).
THROTTLED_KINDS = ("apigw-rest", "apigw-http")

API_KEY_KINDS = ("apigw-rest",)
WAF_KINDS = ("apigw-rest", "alb")


# The kinds that the idempotency answer makes skip repeat deliveries, by message or event id
# (internal/idempotency): at-least-once sources whose handler processes one item per id.
IDEMPOTENT_KINDS = ("sqs", "eventbridge")


def tracing_spans(answers: Mapping[str, Any]) -> bool:
    """Whether the functions make OpenTelemetry spans (internal/tracing): the tracing_spans answer,
    which needs Lambda's active tracing (its X-Ray daemon receives the spans)."""
    return bool(answers.get("tracing_spans")) and answers.get("tracing", "active") == "active"


def idempotent(kind: EventKind, answers: Mapping[str, Any]) -> bool:
    """Whether a function of ``kind`` skips repeat deliveries (the idempotency answer)."""
    return bool(answers.get("idempotency")) and kind.key in IDEMPOTENT_KINDS


def alb_https(answers: Mapping[str, Any]) -> dict[str, str] | None:
    """The ``alb_certificate`` answer (with ``alb_hosted_zone_id``) as an ALB function's ``https``
    (AlbCertificate in lib/config-types.ts); None for http-only or no answer."""
    certificate = answers.get("alb_certificate") or ""
    if not certificate or certificate == HTTP_ONLY:
        return None
    if certificate.startswith("arn:"):
        return {"certificateArn": certificate}
    return {"domainName": certificate, "hostedZoneId": answers.get("alb_hosted_zone_id") or ""}


FUNCTION_URL_AUTH_TYPES = {mode: auth_type for auth_type, mode in FUNCTION_URL_AUTH.items()}


def cdk_settings(
    kind: EventKind, answers: Mapping[str, Any], auth: str = "", authorizer: str = ""
) -> list[tuple[str, Any]]:
    """The settings of a function's trigger in lib/service-config.ts, from the catalogue and its
    auth (a function URL's as its AuthType)."""
    settings = list(kind.cdk)
    if kind.authorizer:
        # Whose tokens it verifies: those of jwt_issuer, else of the stack's user pool.
        settings.insert(0, ("issuer", "jwt" if answers.get("jwt_issuer") else "user-pool"))
    elif kind.auth_answer == "function_url_auth":
        settings.insert(0, ("authType", FUNCTION_URL_AUTH_TYPES[auth or FUNCTION_URL_AUTH["AWS_IAM"]]))
    elif auth:
        settings.insert(0, ("auth", auth))
        if authorizer:
            settings.insert(1, ("authorizer", authorizer))
    if kind.key == "alb" and (https := alb_https(answers)):
        settings.append(("https", https))
    return settings


def kind_defaults(kind: EventKind) -> dict[str, Any]:
    """A kind's default function as lib/service-config.ts holds it: what the CDK app's jest tests
    build their configurations of every kind from (test/kind-defaults.ts)."""
    return {
        "key": kind.key,
        "name": kind.default_name,
        "timeout": kind.timeout,
        "routes": [{"method": route.method, "path": route.path} for route in kind.routes],
        # API kinds: auth none, so that a test's configuration needs no authorizer; function
        # URLs: AWS_IAM, function_url_auth's default; ALBs: HTTPS with the tests' certificate.
        "cdk": cdk_settings(
            kind,
            {"alb_certificate": EXAMPLE_CERTIFICATE_ARN},
            "none" if kind.auth_answer == "api_auth" else "",
        ),
    }


def edge_settings(answers: Mapping[str, Any], kinds: set[str]) -> dict[str, Any]:
    """ServiceConfig's apiThrottle, apiKeys and waf (lib/config-types.ts) from the answers, for
    the kinds they apply to; None where the project has no such kind or the answer is off."""
    throttle = None
    if kinds & set(THROTTLED_KINDS):
        throttle = {
            "rateLimit": int(answers.get("api_rate_limit", API_RATE_LIMIT)),
            "burstLimit": int(answers.get("api_burst_limit", API_BURST_LIMIT)),
        }
    return {
        "api_throttle": throttle,
        "api_keys": bool(kinds & set(API_KEY_KINDS) and answers.get("api_keys")),
        "waf": {"ipRateLimit": WAF_IP_RATE_LIMIT} if kinds & set(WAF_KINDS) and answers.get("waf") else None,
    }


def alarm_notify(answer: Any) -> dict[str, Any]:
    """The ``alarm_notify`` answer as ``ServiceConfig.alarmNotify`` (lib/config-types.ts): an
    existing topic's ARN, or the addresses the stack's own alarm topic sends to (none: empty)."""
    if isinstance(answer, str) and answer.startswith("arn:"):
        return {"topicArn": answer}
    return {"emails": [answer] if answer else []}


def function_services(
    answer: Mapping[str, Any], aws_services: list[str], *, crud: bool, all_services: bool = True
) -> list[str]:
    """The AWS services a function uses: its own `services` list, else every chosen one (none for
    kinds whose catalogue entry says so).

    The users example talks to DynamoDB through its repository and to nothing else.
    """
    if crud:
        return ["dynamodb"]
    wanted = answer.get("services")
    chosen = (aws_services if all_services else []) if wanted is None else wanted
    return [key for key in SERVICES if key in chosen]


SOURCES = ("service", "own")


def function_source(
    kind: EventKind, answer: Mapping[str, Any], aws_services: list[str], consumer_source: str = "service"
) -> str:
    """Where a consumer's trigger comes from: "service", the project's resource of its kind's
    service (the table's stream, the queue, the topic...), which the functions that list that
    service write to; or "own", a resource of its own. Its ``source`` answer, else the project's
    ``consumer_source``: "service" whenever the project has that service, so that producers and
    consumers meet (projects from before 0.3.0 keep "own", extensions/migrations/trigger_sources.py).
    "" for kinds that always have a trigger of their own."""
    if not kind.service:
        return ""
    if answer.get("source") in SOURCES:
        return str(answer["source"])
    return "service" if consumer_source == "service" and kind.service in aws_services else "own"


def invoked_by(kind: EventKind, answers: Mapping[str, Any]) -> str:
    """Who can make a function run, in SECURITY.md's words."""
    if kind.key == "function-url":
        if answers.get("function_url_auth") == "NONE":
            return "anyone: the URL is public (`function_url_auth` NONE), so the handler must authenticate callers"
        return "IAM principals allowed `lambda:InvokeFunctionUrl`, signing requests (`function_url_auth` AWS_IAM)"
    if kind.http:
        return "anyone who can reach it, unless the API's authorization (see Authentication) refuses them"
    if kind.key == "direct":
        return "the IAM principals you grant `lambda:InvokeFunction` on it; none yet"
    return "its trigger only: the AWS service that delivers the events, for the stack's own resource"


# The functions entries' scaling settings and their names in lib/service-config.ts.
SCALING_SETTINGS = {
    "reserved_concurrency": "reservedConcurrency",
    "provisioned_concurrency": "provisionedConcurrency",
    "max_concurrency": "maxConcurrency",
}

# The deployment answer's strategies (DeploymentStrategy in lib/config-types.ts); `none` keeps the
# triggers on the unqualified function, as projects generated before 0.3.0 have them.
DEPLOYMENTS = ("all-at-once", "canary", "linear", "none")
GRADUAL_DEPLOYMENTS = ("canary", "linear")

# What a stage before the last (dev, staging) keeps of its logs, in days.
EARLY_STAGE_LOG_RETENTION_DAYS = 7


def stage_names(answer: Any) -> list[str]:
    """The ``stages`` answer (comma-separated names) as a list; empty: one unstaged stack."""
    if not isinstance(answer, str):
        return []
    return [name.strip() for name in answer.split(",") if name.strip()]


def stages_plan(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``ServiceConfig.stages`` (StageConfig in lib/config-types.ts): every stage before the last is
    a place to try things, whose data goes with its stack, whose logs are kept a week, without
    alarms or gradual deploys; the last is production, retained, with the project's settings."""
    names = stage_names(answers.get("stages"))
    stages: list[dict[str, Any]] = []
    for index, name in enumerate(names):
        if index == len(names) - 1:
            stages.append({"name": name, "removalPolicy": "retain"})
            continue
        stage: dict[str, Any] = {
            "name": name,
            "removalPolicy": "destroy",
            "logRetentionDays": EARLY_STAGE_LOG_RETENTION_DAYS,
        }
        if answers.get("alarms"):
            stage["alarms"] = False
        if answers.get("deployment") in GRADUAL_DEPLOYMENTS:
            stage["deployment"] = {"strategy": "all-at-once"}
        stages.append(stage)
    return stages


def function_concurrency(kind: EventKind, answer: Mapping[str, Any], memory: int) -> tuple[int, str]:
    """How many records of a batch the function processes at once, and why, for the comment on
    the generated constant: its ``concurrency`` answer, else the catalogue's default for its
    memory. (0, "") for kinds that process their records in order or handle one event."""
    if kind.concurrency is None:
        return 0, ""
    if answer.get("concurrency") is not None:
        return int(answer["concurrency"]), "the concurrency of its entry in the functions answer"
    return kind.concurrency.default(memory), f"the default for {memory} MB: {kind.concurrency.rule}"


def function_plan(
    answer: Mapping[str, Any],
    *,
    crud: bool,
    aws_services: list[str],
    answers: Mapping[str, Any] | None = None,
    users_example: bool = False,
) -> dict[str, Any]:
    """Everything the files need to know about one function. ``crud``: it serves the users
    example; ``users_example``: the project has that example, whose resources it may read."""
    answers = answers or {}
    kind: EventKind = CATALOGUE[answer["event"]]
    name = answer["name"]
    type_name = go_type_name(name)
    source = function_source(kind, answer, aws_services, answers.get("consumer_source") or "service")
    # The users example is a variant of its kind: same kind, its own handler and samples. The REST
    # function serves it; a consumer of the project's resources takes part in it.
    users = crud or bool(users_example and kind.users and source == "service")
    kind_dir = f"kinds/{kind.key}/users" if users else f"kinds/{kind.key}"
    routes = USERS_ROUTES if crud else kind.routes
    samples = list(kind.users.samples) if users and kind.users else list(kind.samples)
    if kind.http:
        samples = [route.sample for route in routes]
    services = function_services(answer, aws_services, crud=crud, all_services=kind.all_services)
    is_idempotent = idempotent(kind, answers)
    # The packages its main builds besides its services' and its handler.
    aws_config = bool(services) or is_idempotent  # its main builds an AWS config (internal/awsconfig)
    main_packages = [
        *(["awsconfig"] if aws_config else []),
        *(["idempotency"] if is_idempotent else []),
        *(["tracing"] if tracing_spans(answers) else []),
    ]
    memory = int(answer.get("memory") or kind.memory)
    concurrency, concurrency_reason = function_concurrency(kind, answer, memory)
    fifo = bool(answer.get("fifo"))
    auth = function_auth(kind, answer, answers)
    authorizer = function_authorizer(answer, auth, list(answers.get("functions") or []))
    cdk = cdk_settings(kind, answers, auth, authorizer)
    if source:
        cdk.append(("source", source))
    if is_idempotent:
        cdk.append(("idempotency", True))
    cdk += [(SCALING_SETTINGS[key], int(answer[key])) for key in SCALING_SETTINGS if answer.get(key) is not None]
    if fifo:
        # A FIFO event source takes no batching window.
        cdk = [(key, 0 if key == "maxBatchingWindowSeconds" else value) for key, value in cdk] + [("fifo", True)]
    return {
        "name": name,
        "event": kind.key,
        "memory": memory,
        "timeout": int(answer.get("timeout") or kind.timeout),
        "crud": crud,
        "users": users,  # the handler, tests and samples of kinds/<kind>/users/
        "source": source,
        "fifo": fifo,
        "services": [vars(SERVICES[key]) for key in services],
        "service_keys": services,
        # It skips repeat deliveries through internal/idempotency; its main then builds an AWS
        # config even without services.
        "idempotent": is_idempotent,
        "aws_config": aws_config,
        "main_packages": main_packages,
        "type_name": type_name,  # Go prefix: APIHandler, NewAPIHandler, TestAPIHandler...
        "handler_type": f"{type_name}Handler",
        "go_file": name.replace("-", "_"),  # internal/handler/<go_file>.go
        "construct_id": pascal(name),  # CDK construct ids
        "env_prefix": env_name(name),
        "summary": kind.users.summary if users and kind.users else kind.summary,
        "trigger": kind.title,
        "invoked_by": invoked_by(kind, answers or {}),
        "http": kind.http,
        "batch": kind.batch,
        # Batch kinds with independent records: how many the handler processes at once, and why.
        "concurrency": concurrency,
        "concurrency_reason": concurrency_reason,
        # The direct kind's handler declares its own input and output types.
        "go_input": kind.go_input or f"handler.{type_name}Input",
        "go_output": kind.go_output or (f"handler.{type_name}Output" if not kind.go_input else ""),
        # HTTP kinds: the middleware adapter, e.g. APIGatewayProxy for events.APIGatewayProxyRequest.
        "http_adapter": kind.go_input.removeprefix("events.").removesuffix("Request") if kind.http else "",
        "main_template": f"{kind_dir}/main.go.jinja" if crud or kind.own_main else "kinds/_shared/main.go.jinja",
        "handler_template": f"{kind_dir}/handler.go.jinja",
        "test_template": f"{kind_dir}/handler_test.go.jinja",
        # Its benchmark (make bench): the kind's own when its handler needs fakes to be built.
        "bench_template": (
            f"{kind_dir}/handler_bench_test.go.jinja"
            if crud or (kind.users.own_bench if users and kind.users else kind.own_bench)
            else "kinds/_shared/handler_bench_test.go.jinja"
        ),
        "routes": [_route(route) for route in routes],
        "samples": [_sample(file, kind_dir) for file in samples],
        "cdk": cdk,
        # Who may call it (AUTH_MODES; "" for kinds without callers) and, with auth lambda, its
        # authorizer function; the sample events carry what that authorizer passes on.
        "auth": auth,
        "authorizer": authorizer,
        "auth_sample": f"kinds/{kind.key}/auth/{auth}.json.jinja" if auth else "",
        # The stack output holding its URL, for the README's examples.
        "url_output": exposed_id(name, "FunctionUrl" if kind.auth_answer == "function_url_auth" else "ApiUrl"),
        "authorizer_kind": kind.authorizer,
        "alb": alb_plan(name, answers or {}) if kind.key == "alb" else None,
    }


def alb_plan(name: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """What the README says of an alb function's load balancer: its https setting (None: plain
    HTTP), and the names of its outputs and access log bucket in the stack."""
    return {
        "https": alb_https(answers),
        "dns_output": exposed_id(name, "AlbDnsName"),
        "url_output": exposed_id(name, "AlbUrl"),
        "log_bucket": f"{pascal(name)}AccessLogsBucket",
    }


def build_plan(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The render plan for a whole project."""
    functions_answer = list(answers.get("functions") or [])
    crud_name = ""
    if answers.get("example_crud"):
        crud_name = next((f["name"] for f in functions_answer if f.get("event") == "apigw-rest"), "")
    aws_services = [key for key in SERVICES if key in (answers.get("aws_services") or [])]
    functions = [
        function_plan(
            f, crud=f["name"] == crud_name, aws_services=aws_services, answers=answers, users_example=bool(crud_name)
        )
        for f in functions_answer
    ]
    # Resources exist for the services that functions use (write to) or are triggered by.
    consumed = {CATALOGUE[f["event"]].service for f in functions if f["source"] == "service"}
    used = [key for key in SERVICES if key in consumed or any(key in f["service_keys"] for f in functions)]
    # The Go packages under internal/: the users example brings its own repository instead.
    packages = [key for key in SERVICES if any(key in f["service_keys"] for f in functions if not f["crud"])]
    idempotency = any(f["idempotent"] for f in functions)
    spans = tracing_spans(answers)
    features = [
        "lambda",
        *(["aws"] if used or idempotency or spans else []),
        *(["users"] if crud_name else []),
        *packages,
        *(["idempotency"] if idempotency else []),
        *(["tracing"] if spans else []),
    ]
    architecture = answers.get("architecture", "arm64")
    runtime = answers.get("runtime", "provided.al2023")
    modes = sorted({f["auth"] for f in functions} - {""})
    authorizers = [f["name"] for f in functions if f["authorizer_kind"]]
    # jwt_issuer only where it applies: a --data answer the question did not ask is ignored.
    needs_issuer = needs_jwt_issuer(functions_answer, answers.get("api_auth"))
    jwt_issuer = str(answers.get("jwt_issuer") or "") if needs_issuer else ""
    if authorizers:
        features.append("authorizer")
    return {
        "functions": functions,
        "function_names": [f["name"] for f in functions],
        "kinds": sorted({f["event"] for f in functions}),
        "http": any(f["http"] for f in functions),  # pkg/middleware and the HTTP test helpers
        "batch": any(f["batch"] for f in functions),  # internal/batch
        "aws_config": any(f["aws_config"] for f in functions),  # internal/awsconfig
        "idempotency": idempotency,  # internal/idempotency and its table
        "tracing_spans": spans,  # internal/tracing
        # internal/outbound and OUTBOUND_BASE_URL: the base URL of the HTTP API the functions call.
        "outbound": str(answers.get("outbound_base_url") or ""),
        "crud_function": crud_name,
        "crud_auth": next((f["auth"] for f in functions if f["crud"]), ""),
        "fifo": any(f["fifo"] for f in functions),
        "kind_defaults": [kind_defaults(kind) for kind in CATALOGUE.values()],
        # Resources exist for the services some function uses; each is granted to those only.
        "services": [vars(SERVICES[key]) for key in used],
        "service_keys": used,
        "protection": [{"key": key, "protection": PROTECTION[key]} for key in used],
        "service_packages": packages,
        "table": "dynamodb" in used,
        "goarch": GOARCH[architecture],
        "cdk_architecture": CDK_ARCHITECTURE[architecture],
        "cdk_runtime": CDK_RUNTIME[runtime],
        "go_require": gomod.requirements(features),
        "alarm_notify": alarm_notify(answers.get("alarm_notify")),
        "stages": stages_plan(answers),
        "stage_names": stage_names(answers.get("stages")),
        # Absent from lib/service-config.ts with none: what projects from before 0.3.0 render.
        "deployment": (
            {"strategy": answers["deployment"]}
            if answers.get("deployment") in DEPLOYMENTS and answers.get("deployment") != "none"
            else None
        ),
        **edge_settings(answers, {f["event"] for f in functions}),
        "auth_modes": modes,
        "authorizers": authorizers,
        # The stack's Cognito user pool: for auth cognito, and for authorizers when no
        # jwt_issuer names another issuer of the tokens they verify.
        "user_pool": "cognito" in modes or bool(authorizers and not jwt_issuer),
        "jwt": ({"issuer": jwt_issuer, "audience": [str(answers.get("jwt_audience") or "")]} if jwt_issuer else {}),
        # Public functions that reach data: generation warns about each.
        "catalog": catalog_plan(answers, functions),
        "public_data": [
            {"name": f["name"], "services": f["service_keys"], "answer": CATALOGUE[f["event"]].auth_answer}
            for f in functions
            if f["auth"] == "none" and f["service_keys"]
        ],
    }
