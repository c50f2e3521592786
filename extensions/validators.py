"""Answer validators, used as Jinja filters by copier.yml's ``validator:`` keys.

Each function takes an answer and returns "" when it is valid, otherwise one sentence that names
the rule and shows a valid example. Copier prefixes it with the question name and refuses the
answer before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .catalog import MAX_ENTITY_NAME
from .events import AUTH_MODES, AUTHORIZER_KINDS, CATALOGUE
from .naming import go_type_name
from .plan import HTTP_ONLY, SOURCES, function_auth, function_source, stage_names
from .services import SERVICES

PROJECT_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FUNCTION_NAME = PROJECT_NAME
AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
# golang.org/x/mod/module.CheckPath: the first element is lowercase, later ones may use more.
MODULE_FIRST_ELEMENT = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
MODULE_ELEMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}

FUNCTION_KEYS = {
    "name", "event", "memory", "timeout", "services", "concurrency", "source", "fifo", "auth", "authorizer",
    "reserved_concurrency", "provisioned_concurrency", "max_concurrency",
}  # fmt: skip
# internal/handler/<name>.go must not clash with the package's shared files, and Go reads a
# _test, _<GOOS> or _<GOARCH> file-name suffix as a build constraint.
# The shared test helpers are helpers_test.go and <kind>_helpers_test.go, hence the -helpers rule.
RESERVED_FUNCTION_NAMES = {"doc", "handler", "helpers"}
GO_FILE_SUFFIXES = set(
    "test aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris "
    "wasip1 windows zos 386 amd64 arm arm64 loong64 mips mipsle mips64 mips64le ppc64 ppc64le riscv64 s390x "
    "wasm".split()
)
MEMORY_RANGE = (128, 10240)
TIMEOUT_RANGE = (1, 900)
CONCURRENCY_RANGE = (1, 100)  # records of one batch processed at once
MAX_NAME = 40
# stages: names that end a stack name <project_name>-<stage>, which CloudFormation caps at 128.
STAGE_NAME = re.compile(r"[a-z][a-z0-9]{0,15}")
MAX_STACK_NAME = 128
# Per function: executions reserved or kept warm (at most an account's usual raised quota), and the
# SQS event source's MaximumConcurrency (2-1000, Lambda's range).
SCALING_RANGES = {
    "reserved_concurrency": (0, 10000),
    "provisioned_concurrency": (0, 10000),
    "max_concurrency": (2, 1000),
}
# alarm_notify: an email address SNS can deliver to (no spaces or control characters, one @, a
# dotted domain), or the ARN of a standard SNS topic (CloudWatch alarm actions cannot publish to a
# FIFO topic). Matched whole (fullmatch): a trailing newline is not allowed.
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
MAX_EMAIL = 254
SNS_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}")
# security_contact: an email address or an https URL, written into SECURITY.md's Markdown, so
# without characters that Markdown or a mail link would read as their own (`|<>()[] and quotes).
SECURITY_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&*+/=?^_{}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
SECURITY_URL = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&*+,;=:@%/?#-]*)?")

# alb_certificate: an ACM certificate's ARN, a domain name to issue one for (lowercase labels of
# letters, digits and inner dashes, at least two), or http-only. Matched whole.
ACM_CERTIFICATE_ARN = re.compile(
    r"arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:certificate/[A-Za-z0-9-]{1,128}"
)
DOMAIN_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_NAME = re.compile(rf"{DOMAIN_LABEL}(\.{DOMAIN_LABEL})+")
MAX_DOMAIN = 253
# A Route 53 hosted zone ID as the console and the API show it (without /hostedzone/).
HOSTED_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
# API Gateway stage throttling: at most the account's default quota per region.
API_RATE_RANGE = (1, 10000)  # requests per second
API_BURST_RANGE = (1, 5000)  # requests at once
# jwt_issuer: what API Gateway's JWT authorizer accepts, an https URL (host, optional port and
# path, no query or fragment: the iss claim must equal it). jwt_audience: one value of the aud or
# client_id claim, printable, without spaces or quotes (it goes into TypeScript and env values).
# An https base URL: host, optional port and path; no credentials, query or fragment.
OUTBOUND_BASE_URL = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
JWT_ISSUER = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
JWT_AUDIENCE = re.compile(r"[!#-&(-~]{1,256}")
# Backstage entity names and references (catalog-model's KubernetesValidatorFunctions): a name
# is letters and digits in runs joined by one of -_. and at most 63 characters; a reference is
# [kind:][namespace/]name. Matched whole.
ENTITY_NAME = re.compile(r"[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*")
ENTITY_REF = re.compile(r"([a-zA-Z][a-zA-Z0-9]*:)?([a-z0-9]+(-[a-z0-9]+)*/)?[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*")


def project_name_error(value: Any) -> str:
    if not isinstance(value, str) or not PROJECT_NAME.match(value):
        return (
            "use lowercase letters, digits and single dashes, starting with a letter "
            f"(e.g. orders-service); got {value!r}"
        )
    if not 2 <= len(value) <= MAX_NAME:
        return f"use 2 to {MAX_NAME} characters (it becomes the stack name); got {len(value)}"
    return ""


def module_path_error(value: Any) -> str:
    example = "(e.g. github.com/acme/orders-service)"
    if not isinstance(value, str) or not value:
        return f"a Go module path is required {example}"
    elements = value.split("/")
    if any(element == "" for element in elements):
        return f"a Go module path has no empty elements, leading or trailing slashes {example}; got {value!r}"
    for index, element in enumerate(elements):
        pattern = MODULE_FIRST_ELEMENT if index == 0 else MODULE_ELEMENT
        if not pattern.match(element) or element.endswith(".") or ".." in element:
            where = "its first element (the host)" if index == 0 else f"element {element!r}"
            allowed = (
                "lowercase letters, digits, dots and dashes" if index == 0 else "letters, digits, '.', '-', '_' and '~'"
            )
            return (
                f"Go module paths allow only {allowed} in {where}, with no leading dot or '..' {example}; got {value!r}"
            )
        if element.split(".")[0].lower() in WINDOWS_RESERVED:
            return f"Go module path element {element!r} is a reserved Windows file name {example}"
    major = re.fullmatch(r"v([0-9]+)", elements[-1])
    if len(elements) > 1 and major and int(major.group(1)) < 2:
        return f"a major-version suffix must be /v2 or higher {example}; got {value!r}"
    return ""


def aws_region_error(value: Any) -> str:
    if not isinstance(value, str) or not AWS_REGION.match(value):
        return f"use an AWS region code such as eu-west-1 or us-east-1; got {value!r}"
    return ""


def single_line_error(value: Any) -> str:
    if not isinstance(value, str) or "\n" in value or "\r" in value:
        return "use a single line of text"
    if len(value) > 200:
        return f"use at most 200 characters; got {len(value)}"
    return ""


def events_error(value: Any) -> str:
    if not value:
        return "choose at least one event kind (space toggles a kind); the next question lets you edit the functions"
    unknown = [key for key in value or [] if key not in CATALOGUE]
    if unknown:
        return f"unknown event kinds {unknown}; known kinds: {', '.join(CATALOGUE)}"
    return ""


def functions_error(value: Any, aws_services: Any = None, consumer_source: Any = "service") -> str:
    """Check the ``functions`` answer: a list of {name, event, memory?, timeout?, services?,
    concurrency?}."""
    example = "e.g. [{name: api, event: apigw-rest, memory: 1024, timeout: 30}]"
    if not isinstance(value, list) or not value:
        return f"give a non-empty list of functions, {example}"
    seen_names: dict[str, int] = {}
    seen_types: dict[str, str] = {}
    for index, item in enumerate(value):
        where = f"functions[{index}]"
        if not isinstance(item, Mapping):
            return f"{where} must be a mapping with name and event, {example}; got {item!r}"
        extra = sorted(set(item) - FUNCTION_KEYS)
        if extra:
            return f"{where} has unknown keys {extra}; allowed keys: {', '.join(sorted(FUNCTION_KEYS))}"
        name = item.get("name")
        if not isinstance(name, str) or not FUNCTION_NAME.match(name) or len(name) > MAX_NAME:
            return (
                f"{where}.name must be lowercase letters, digits and single dashes, starting with a "
                f"letter, at most {MAX_NAME} characters (it names cmd/<name>, never a path); got {name!r}"
            )
        if name in RESERVED_FUNCTION_NAMES or name.endswith("-helpers"):
            return f"{where}.name {name!r} is reserved for a shared file in internal/handler; choose another name"
        if "-" in name and name.rsplit("-", 1)[1] in GO_FILE_SUFFIXES:
            return (
                f"{where}.name {name!r} must not end in -{name.rsplit('-', 1)[1]}: Go would read the file "
                "suffix as a build constraint or a test file"
            )
        if name in seen_names:
            return f"function names must be unique: {name!r} is used by functions[{seen_names[name]}] and {where}"
        seen_names[name] = index
        type_name = go_type_name(name)
        if type_name in seen_types:
            other = seen_types[type_name]
            return f"functions {other!r} and {name!r} would share the Go type {type_name}Handler; rename one"
        seen_types[type_name] = name
        event = item.get("event")
        if event not in CATALOGUE:
            return f"{where}.event {event!r} is not a known event kind; known kinds: {', '.join(CATALOGUE)}"
        for key, (low, high), unit in (("memory", MEMORY_RANGE, "MB"), ("timeout", TIMEOUT_RANGE, "seconds")):
            number = item.get(key)
            if number is None:
                continue
            if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
                return f"{where}.{key} must be a whole number from {low} to {high} {unit}; got {number!r}"
        concurrency_error = function_concurrency_error(item.get("concurrency"), event, where)
        if concurrency_error:
            return concurrency_error
        scaling_error = function_scaling_error(item, event, where)
        if scaling_error:
            return scaling_error
        source_error = function_source_error(item, list(aws_services or []), str(consumer_source), where)
        if source_error:
            return source_error
        auth_error = function_auth_error(item, value, where)
        if auth_error:
            return auth_error
        services = item.get("services")
        if services is not None:
            chosen = list(aws_services or [])
            if not isinstance(services, list) or any(s not in chosen for s in services):
                allowed = ", ".join(chosen) or "none chosen"
                return f"{where}.services must list services chosen in aws_services ({allowed}); got {services!r}"
    return one_reader_error(value, list(aws_services or []), str(consumer_source))


def function_source_error(item: Mapping[str, Any], aws_services: list[str], consumer_source: str, where: str) -> str:
    """A function's ``source`` (where its trigger comes from) and ``fifo`` (an SQS FIFO queue)."""
    kind = CATALOGUE[item["event"]]
    source = item.get("source")
    if source is not None:
        consumers = ", ".join(key for key, k in CATALOGUE.items() if k.service)
        if not kind.service:
            return (
                f"{where}.source applies only to {consumers} functions "
                f"({kind.key} functions have their own trigger); remove it"
            )
        if source not in SOURCES:
            return (
                f"{where}.source must be service (the project's {kind.service} resource, which functions listing "
                f"{kind.service} write to) or own (a resource of the function's own); got {source!r}"
            )
        if source == "service" and kind.service not in aws_services:
            return (
                f"{where}.source service reads the project's {kind.service} resource: add {kind.service} to "
                "aws_services, or use source: own"
            )
    fifo = item.get("fifo")
    if fifo is None:
        return ""
    if not kind.fifo:
        return f"{where}.fifo applies only to sqs functions; remove it"
    if not isinstance(fifo, bool):
        return f"{where}.fifo must be true or false; got {fifo!r}"
    if fifo and function_source(kind, item, aws_services, consumer_source) == "service":
        return (
            f"{where}.fifo needs a FIFO queue of the function's own, and the project's queue (aws_services sqs) is "
            "a standard queue: add source: own to the entry"
        )
    return ""


def function_auth_error(item: Mapping[str, Any], functions: list[Any], where: str) -> str:
    """A function's ``auth`` (who may call it: one of its kind's modes) and ``authorizer`` (the
    authorizer function of auth lambda)."""
    kind = CATALOGUE[item["event"]]
    auth = item.get("auth")
    if auth is not None:
        if not kind.auth_modes:
            with_auth = ", ".join(key for key, k in CATALOGUE.items() if k.auth_modes)
            return f"{where}.auth applies only to {with_auth} functions ({kind.no_auth}); remove it"
        if auth not in kind.auth_modes:
            rule = f"{where}.auth must be one of {', '.join(kind.auth_modes)} for {kind.key} functions; got {auth!r}"
            if auth == "jwt":
                rule += (
                    " (REST APIs have no JWT authorizer: use cognito, or lambda, an authorizer function that "
                    "verifies your issuer's tokens)"
                )
            return rule
    authorizers = [f.get("name") for f in functions if isinstance(f, Mapping) and f.get("event") in AUTHORIZER_KINDS]
    add = "add one to functions, e.g. {name: authorizer, event: authorizer}"
    if auth == "lambda" and not authorizers:
        return f"{where}.auth lambda is decided by the project's authorizer function, and there is none: {add}"
    named = item.get("authorizer")
    if named is None:
        return ""
    if auth != "lambda":
        return f"{where}.authorizer names the authorizer function of auth lambda: add auth: lambda to the entry"
    if named not in authorizers:
        names = ", ".join(map(str, authorizers))
        return f"{where}.authorizer must name an authorizer function of functions ({names}); got {named!r}"
    return ""


def api_auth_error(value: Any, functions: Any) -> str:
    """``api_auth``, the auth of the API functions whose entry sets none: lambda needs an
    authorizer function, and jwt an HTTP API (REST APIs have no JWT authorizer)."""
    if value not in AUTH_MODES:
        return f"choose one of {', '.join(AUTH_MODES)}; got {value!r}"
    entries = [f for f in functions or [] if isinstance(f, Mapping) and f.get("event") in CATALOGUE]
    inheriting = [f for f in entries if CATALOGUE[f["event"]].auth_answer == "api_auth" and f.get("auth") is None]
    refused = [f["name"] for f in inheriting if value not in CATALOGUE[f["event"]].auth_modes]
    if refused:
        return (
            f"{value} does not apply to {', '.join(refused)}: REST APIs have no JWT authorizer. Set auth "
            "(cognito, iam or lambda) in their functions entries, or choose another"
        )
    if value == "lambda" and inheriting and not any(f["event"] in AUTHORIZER_KINDS for f in entries):
        return (
            "lambda is decided by the project's authorizer function, and functions has none: choose another, "
            "or add one to functions, e.g. {name: authorizer, event: authorizer}"
        )
    return ""


def jwt_issuer_error(value: Any, functions: Any, api_auth: Any) -> str:
    """The issuer of the JWTs: required by the functions with auth jwt; for an authorizer
    function alone it may stay empty (the stack's user pool issues the tokens)."""
    example = "(e.g. https://example.eu.auth0.com/ or https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123)"
    if value is None or value == "":
        jwt_functions = [
            f["name"]
            for f in functions or []
            if isinstance(f, Mapping)
            and f.get("event") in CATALOGUE
            and function_auth(CATALOGUE[f["event"]], f, {"api_auth": api_auth, "functions": functions}) == "jwt"
        ]
        if jwt_functions:
            names = ", ".join(jwt_functions)
            return f"functions {names} with auth jwt need the issuer of their tokens: its https URL {example}"
        return ""
    if not isinstance(value, str) or len(value) > 2048 or not JWT_ISSUER.fullmatch(value):
        rule = "use the issuer's https URL, the iss claim of its tokens, without query or fragment"
        return f"{rule} {example}; got {value!r}"
    return ""


def jwt_audience_error(value: Any, jwt_issuer: Any) -> str:
    """The audience of jwt_issuer's tokens: one aud (or client_id) value, required with an issuer."""
    if not jwt_issuer:
        return ""
    if not isinstance(value, str) or not JWT_AUDIENCE.fullmatch(value):
        return (
            "give the aud (or client_id) claim the issuer puts in the tokens for this API, e.g. its client id or "
            f"API identifier: 1 to 256 characters, no spaces or quotes; got {value!r}"
        )
    return ""


def one_reader_error(functions: list[Any], aws_services: list[str], consumer_source: str) -> str:
    """At most one function of a one-reader kind (SQS, S3) takes its trigger from the project's resource."""
    readers: dict[str, list[str]] = {}
    for item in functions:
        kind = CATALOGUE[item["event"]]
        if kind.one_reader and function_source(kind, item, aws_services, consumer_source) == "service":
            readers.setdefault(kind.key, []).append(item["name"])
    for key, names in readers.items():
        if len(names) > 1:
            return (
                f"functions {', '.join(names)} all read the project's {CATALOGUE[key].service} resource, which "
                f"triggers one {key} function only ({CATALOGUE[key].one_reader}): give all but one source: own"
            )
    return ""


def function_concurrency_error(value: Any, event: str, where: str) -> str:
    """A function's ``concurrency``: only for kinds whose records are independent (the catalogue
    says which), a whole number of records processed at once."""
    if value is None:
        return ""
    if CATALOGUE[event].concurrency is None:
        allowed = ", ".join(key for key, kind in CATALOGUE.items() if kind.concurrency)
        why = (
            "process their records in order, one at a time"
            if CATALOGUE[event].ordered
            else "have no batch of records to process concurrently"
        )
        return f"{where}.concurrency applies only to {allowed} functions ({event} functions {why}); remove it"
    low, high = CONCURRENCY_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return (
            f"{where}.concurrency must be a whole number from {low} to {high} "
            f"(the messages of a batch processed at once); got {value!r}"
        )
    return ""


def function_scaling_error(item: Mapping[str, Any], event: str, where: str) -> str:
    """A function's reserved_concurrency, provisioned_concurrency and max_concurrency (sqs only)."""
    for key, (low, high) in SCALING_RANGES.items():
        value = item.get(key)
        if value is None:
            continue
        if key == "max_concurrency" and event != "sqs":
            return f"{where}.max_concurrency applies only to sqs functions (their queue's event source); remove it"
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"{where}.{key} must be a whole number from {low} to {high}; got {value!r}"
    reserved, provisioned = item.get("reserved_concurrency"), item.get("provisioned_concurrency")
    if reserved is not None and provisioned is not None and provisioned > reserved:
        return (
            f"{where}.provisioned_concurrency ({provisioned}) must not exceed its reserved_concurrency ({reserved}): "
            "Lambda keeps the provisioned environments within the reserved ones"
        )
    return ""


def stages_error(value: Any, project_name: Any = "") -> str:
    """``stages``: comma-separated stage names, each lowercase letters and digits starting with a
    letter (at most 16), none twice; empty for one stack without stages."""
    if not isinstance(value, str):
        return f"give comma-separated stage names, e.g. dev,prod (or nothing for one stack); got {value!r}"
    names = stage_names(value)
    for name in names:
        if not STAGE_NAME.fullmatch(name):
            return (
                f"stage {name!r} must be lowercase letters and digits, starting with a letter, at most 16 "
                "characters (it ends the stack name <project_name>-<stage>), e.g. dev,staging,prod"
            )
        if len(f"{project_name}-{name}") > MAX_STACK_NAME:
            return f"stack name {project_name}-{name} is longer than CloudFormation's {MAX_STACK_NAME} characters"
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        return f"stages must differ: {', '.join(twice)} is listed twice"
    return ""


def deployment_error(value: Any, functions: Any = None) -> str:
    """``deployment``: provisioned concurrency lives on the live alias, which ``none`` does without."""
    if value != "none" or not isinstance(functions, list):
        return ""
    warm = [f["name"] for f in functions if isinstance(f, Mapping) and f.get("provisioned_concurrency")]
    if warm:
        return (
            f"none has no live alias to keep warm, and {', '.join(map(str, warm))} set provisioned_concurrency: "
            "choose all-at-once, canary or linear, or remove provisioned_concurrency"
        )
    return ""


def aws_services_error(value: Any) -> str:
    unknown = [key for key in value or [] if key not in SERVICES]
    if unknown:
        return f"unknown AWS services {unknown}; known: {', '.join(SERVICES)}"
    return ""


def example_crud_error(value: Any, aws_services: Any, functions: Any) -> str:
    """The users CRUD example needs a REST function to serve it and DynamoDB to store users."""
    if not value:
        return ""
    if "dynamodb" not in (aws_services or []):
        return "the users example stores users in DynamoDB: add dynamodb to aws_services or answer false"
    if not any(isinstance(f, Mapping) and f.get("event") == "apigw-rest" for f in functions or []):
        return "the users example is served by an apigw-rest function: add one to functions or answer false"
    return ""


def alarm_notify_error(value: Any) -> str:
    """Who the alarms tell: nobody yet (empty), an email address, or an existing SNS topic's ARN."""
    if value is None or value == "":
        return ""
    rule = (
        "leave it empty, or give one email address (e.g. oncall@example.com) or the ARN of an "
        "existing standard SNS topic (e.g. arn:aws:sns:eu-west-1:123456789012:alerts)"
    )
    if not isinstance(value, str):
        return f"{rule}; got {value!r}"
    if value.startswith("arn:"):
        if value.endswith(".fifo"):
            return f"CloudWatch alarms cannot publish to a FIFO topic: {rule}; got {value!r}"
        if not SNS_TOPIC_ARN.fullmatch(value):
            shape = "arn:<partition>:sns:<region>:<12-digit account>:<name>"
            return f"not an SNS topic ARN ({shape}): {rule}; got {value!r}"
        return ""
    if len(value) > MAX_EMAIL or not EMAIL.fullmatch(value):
        return f"{rule}; got {value!r}"
    return ""


def outbound_base_url_error(value: Any) -> str:
    """The base URL of the HTTP API internal/outbound calls: empty (no package) or an https URL
    without credentials, query or fragment (it becomes an environment value, never a secret)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 2048 or not OUTBOUND_BASE_URL.fullmatch(value):
        return (
            "outbound_base_url: leave it empty (no outbound HTTP client), or give the API's https base URL, "
            "without credentials, query or fragment (e.g. https://api.example.com/v1); "
            f"got {value!r}"
        )
    return ""


def security_contact_error(value: Any) -> str:
    """Where to report a vulnerability: the repository's security advisories (empty), an email
    address or an https URL."""
    if value is None or value == "":
        return ""
    rule = (
        "leave it empty (the repository's private security advisories), or give one email address "
        "(e.g. security@example.com) or an https URL (e.g. https://example.com/security)"
    )
    if not isinstance(value, str):
        return f"{rule}; got {value!r}"
    pattern = SECURITY_URL if value.startswith("https://") else SECURITY_EMAIL
    if len(value) > MAX_EMAIL or not pattern.fullmatch(value):
        return f"{rule}; got {value!r}"
    return ""


def alb_certificate_error(value: Any, functions: Any = None) -> str:
    """The load balancers' HTTPS certificate: an ACM certificate's ARN, a domain name to issue
    one for, or http-only. Empty is refused: HTTPS is the default and needs a certificate."""
    rule = (
        "give the ARN of an ACM certificate in the stack's region "
        "(e.g. arn:aws:acm:us-east-1:123456789012:certificate/<id>), a domain name to issue one for, "
        "validated through DNS in a Route 53 hosted zone of yours (e.g. api.example.com), or http-only "
        "for plain HTTP on port 80 (unencrypted: not for production)"
    )
    if value is None or value == "":
        return f"an alb function serves HTTPS, which needs a certificate: {rule}"
    if not isinstance(value, str):
        return f"{rule}; got {value!r}"
    if value == HTTP_ONLY:
        return ""
    if value.startswith("arn:"):
        if not ACM_CERTIFICATE_ARN.fullmatch(value):
            shape = "arn:<partition>:acm:<region>:<12-digit account>:certificate/<id>"
            return f"not an ACM certificate ARN ({shape}): {rule}; got {value!r}"
        return ""
    if value.startswith("*."):
        return f"the stack issues no wildcard certificate: request it in ACM and give its ARN; got {value!r}"
    if len(value) > MAX_DOMAIN or not DOMAIN_NAME.fullmatch(value):
        return f"a domain name has lowercase labels of letters, digits and dashes joined by dots: {rule}; got {value!r}"
    albs = [f["name"] for f in functions or [] if isinstance(f, Mapping) and f.get("event") == "alb"]
    if len(albs) > 1:
        return (
            f"a domain name points at one load balancer, and functions {', '.join(albs)} have one each: give the "
            "ARN of a certificate covering all their names, and point each name at its <Name>AlbDnsName output"
        )
    return ""


def alb_hosted_zone_id_error(value: Any) -> str:
    """The Route 53 hosted zone that validates the issued certificate and gets the alias record."""
    if isinstance(value, str) and HOSTED_ZONE_ID.fullmatch(value):
        return ""
    return (
        "give the ID of the Route 53 public hosted zone holding the domain name (Z followed by capital "
        "letters and digits, e.g. Z0123456789ABCDEFGHIJ; aws route53 list-hosted-zones-by-name lists them); "
        f"got {value!r}"
    )


def whole_number_error(value: Any, low: int, high: int, unit: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"use a whole number from {low} to {high} {unit}; got {value!r}"
    return ""


def api_rate_limit_error(value: Any) -> str:
    """Steady requests per second of every API Gateway stage: at most the account's 10,000."""
    return whole_number_error(value, *API_RATE_RANGE, "requests per second (the account's default limit is 10000)")


def api_burst_limit_error(value: Any) -> str:
    """Requests at once of every API Gateway stage: at most the account's burst of 5,000."""
    return whole_number_error(value, *API_BURST_RANGE, "requests (the account's default burst is 5000)")


def catalog_owner_error(value: Any) -> str:
    if (
        isinstance(value, str)
        and ENTITY_REF.fullmatch(value)
        and len(value.rpartition("/")[2].rpartition(":")[2]) <= MAX_ENTITY_NAME
    ):
        return ""
    return (
        f"catalog_owner: {value!r} is not a Backstage entity reference: [kind:][namespace/]name, the name "
        "letters and digits joined by single - _ or . and at most 63 characters (e.g. group:default/payments)"
    )


def catalog_system_error(value: Any) -> str:
    if value == "" or (isinstance(value, str) and ENTITY_NAME.fullmatch(value) and len(value) <= MAX_ENTITY_NAME):
        return ""
    return (
        f"catalog_system: {value!r} is not a Backstage entity name: letters and digits joined by single - _ or ., "
        "at most 63 characters (e.g. orders), or empty for none"
    )


def entity_name(value: Any) -> str:
    """A Backstage entity name made of any text (Example Org -> example-org), for defaults."""
    words = re.findall(r"[a-z0-9]+", str(value).lower())
    return "-".join(words)[:MAX_ENTITY_NAME].strip("-") or "unknown"


FILTERS = {
    "catalog_owner_error": catalog_owner_error,
    "catalog_system_error": catalog_system_error,
    "entity_name": entity_name,
    "project_name_error": project_name_error,
    "module_path_error": module_path_error,
    "aws_region_error": aws_region_error,
    "single_line_error": single_line_error,
    "events_error": events_error,
    "functions_error": functions_error,
    "stages_error": stages_error,
    "deployment_error": deployment_error,
    "aws_services_error": aws_services_error,
    "example_crud_error": example_crud_error,
    "alarm_notify_error": alarm_notify_error,
    "security_contact_error": security_contact_error,
    "outbound_base_url_error": outbound_base_url_error,
    "alb_certificate_error": alb_certificate_error,
    "alb_hosted_zone_id_error": alb_hosted_zone_id_error,
    "api_rate_limit_error": api_rate_limit_error,
    "api_burst_limit_error": api_burst_limit_error,
    "api_auth_error": api_auth_error,
    "jwt_issuer_error": jwt_issuer_error,
    "jwt_audience_error": jwt_audience_error,
}
