"""The event catalogue: everything the template knows about one kind of Lambda trigger.

One entry per event kind. The context hook reads this table to plan a project; the files a kind
needs live in ``kinds/<key>/`` (Go handler, its test, sample events) and in the generated CDK app's
``lib/kinds/<key>.ts`` (its trigger), so a reader finds everything about a kind from its entry.
Adding a kind means one entry here, its folder under ``kinds/`` and its CDK wiring (README.md,
"Adding an event kind").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Route:
    """One HTTP route served by a function, with the sample event file that exercises it."""

    method: str
    path: str
    sample: str  # file name under events/<function>/


@dataclass(frozen=True)
class Concurrency:
    """How many records of one batch a function processes at once, for kinds whose records are
    independent (SQS standard queues); a function's ``concurrency`` answer overrides the default.

    The default follows the memory, since Lambda gives a function CPU in proportion to it: one
    worker per ``mb_per_worker`` MB, at least ``minimum`` (so that one slow message does not hold
    up the batch), at most ``maximum``, the kind's default batch size (more would idle).
    """

    maximum: int  # the kind's default batch size
    mb_per_worker: int = 256
    minimum: int = 2

    def default(self, memory: int) -> int:
        """The number of workers of a function with ``memory`` MB and no ``concurrency`` answer."""
        return max(self.minimum, min(self.maximum, memory // self.mb_per_worker))

    @property
    def rule(self) -> str:
        """The default's rule in words, for the generated code's comments."""
        return (
            f"one worker per {self.mb_per_worker} MB of memory, at least {self.minimum}, "
            f"at most {self.maximum} (the batch size)"
        )


@dataclass(frozen=True)
class UsersVariant:
    """A kind's part in the users example, when it reads the project's resource of the users
    system (``source: service`` in a project with ``example_crud``): its handler, tests and samples
    under kinds/<kind>/users/ work on domain.UserEvent instead of the kind's own example."""

    summary: str  # replaces EventKind.summary
    samples: tuple[str, ...]
    # Its benchmark builds the handler with fakes of its own (kinds/<kind>/users/
    # handler_bench_test.go.jinja) instead of the shared one's empty dependencies.
    own_bench: bool = False


# Who may call a function (the `auth` of its functions entry, or the project-wide answer), and
# what each choice means; the CDK app wires them (lib/auth.ts), make dev plays them (localrun).
AUTH_MODES: dict[str, str] = {
    "cognito": "users of a Cognito user pool the stack creates, with ID tokens of its app client",
    "iam": "IAM principals that sign their requests (SigV4)",
    "jwt": "bearer JWTs of your own issuer (jwt_issuer) for your audience (jwt_audience)",
    "lambda": "the project's authorizer function decides",
    "none": "public: anyone may call it",
}
# function_url_auth, the project-wide answer of function URLs, in the words of `auth`.
FUNCTION_URL_AUTH = {"AWS_IAM": "iam", "NONE": "none"}


@dataclass(frozen=True)
class EventKind:
    """Facts about one event kind; pure data, no templates."""

    key: str  # the answer value, e.g. "apigw-rest"
    title: str  # shown in the interactive multiselect
    summary: str  # what the generated function does, completing "Command <fn> is ...: <summary>."
    go_input: str  # aws-lambda-go type the handler receives ("" : the handler declares its own)
    go_output: str  # type it returns (besides error); "" when it returns only error
    default_name: str  # function name derived from the `events` answer (the seed's names)
    memory: int = 256  # MB, when the functions answer gives none
    timeout: int = 10  # seconds, when the functions answer gives none
    http: bool = False  # answers HTTP requests (JSON in/out, 4xx on bad input, routing)
    batch: bool = False  # reports failed items (batchItemFailures) instead of failing the batch
    # Batch kinds run their records in one of two ways (internal/batch), and their handler calls
    # the matching function; a unit test checks that they agree.
    # ordered: one at a time, stopping at the first failure (batch.ProcessInOrder). Streams need
    # it: Lambda resumes a shard from the first failure reported, so a later record processed
    # anyway would be applied before the failed one, and again after it.
    ordered: bool = False
    # concurrency: independent records, several at a time (batch.ProcessConcurrently); allows the
    # `concurrency` field in the kind's entries of the functions answer.
    concurrency: Concurrency | None = None
    # The aws_services key of the project resource this kind can take its trigger from (the
    # `source: service` of a functions entry: the table's stream, the queue, the topic...), so that
    # producers and consumers meet; "" for kinds that always have a trigger of their own.
    service: str = ""
    # Why the project resource can trigger one function of this kind only; "" when it can
    # trigger several.
    one_reader: str = ""
    fifo: bool = False  # may be an SQS FIFO queue (the `fifo` field of a functions entry)
    users: UsersVariant | None = None  # its variant in the users example
    # The `auth` values its functions may have, the recommended first; () when its trigger
    # has no caller to authenticate. `auth_answer` is the project-wide question giving the
    # default of its entries' `auth` (api_auth, or function_url_auth in its own words).
    auth_modes: tuple[str, ...] = ()
    auth_answer: str = ""
    # Why its functions take no `auth`, for the validator's message; "" when they do.
    no_auth: str = "it is not called over HTTP"
    authorizer: bool = False  # a Lambda authorizer: API functions with auth lambda call it
    # Its handler is built by a main of its own (kinds/<key>/main.go.jinja), not the shared one.
    own_main: bool = False
    # Its benchmark (make bench) builds the handler with fakes of its own
    # (kinds/<key>/handler_bench_test.go.jinja); otherwise kinds/_shared/handler_bench_test.go.jinja
    # builds it from empty dependencies, as the kind's tests do, and replays its sample events.
    own_bench: bool = False
    # Its functions use every chosen AWS service unless their entry lists some; False: none.
    all_services: bool = True
    routes: tuple[Route, ...] = field(default_factory=tuple)  # HTTP kinds: routes and their samples
    samples: tuple[str, ...] = field(default_factory=tuple)  # other kinds: sample events
    # Settings of the kind's trigger in the CDK app (lib/service-config.ts), camelCase as there.
    cdk: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    @property
    def sample_files(self) -> tuple[str, ...]:
        return tuple(route.sample for route in self.routes) or self.samples


# The greeting every HTTP kind serves unless it is the users example.
HELLO_ROUTES: tuple[Route, ...] = (
    Route("GET", "/hello", "get-hello.json"),
    Route("POST", "/hello", "post-hello.json"),
)

# HTTP routes of the seed's users CRUD example (served by the first REST function when
# example_crud is true). Shared by the Go router's sample events and the API Gateway resources.
USERS_ROUTES: tuple[Route, ...] = (
    Route("GET", "/users", "list-users.json"),
    Route("POST", "/users", "create-user.json"),
    Route("GET", "/users/{userId}", "get-user.json"),
    Route("PUT", "/users/{userId}", "update-user.json"),
    Route("DELETE", "/users/{userId}", "delete-user.json"),
)

# Batch sources: the seed's event-driven stack, with failures reported per item.
STREAM_SOURCE = (("batchSize", 100), ("maxBatchingWindowSeconds", 5), ("retryAttempts", 3))
SQS_BATCH_SIZE = 10  # an SQS event source mapping's default batch size

CATALOGUE: dict[str, EventKind] = {
    kind.key: kind
    for kind in (
        EventKind(
            key="apigw-rest",
            title="API Gateway REST API (APIGatewayProxyRequest)",
            summary="a REST greeting",
            go_input="events.APIGatewayProxyRequest",
            go_output="events.APIGatewayProxyResponse",
            default_name="api",
            memory=1024,
            timeout=30,
            http=True,
            routes=HELLO_ROUTES,
            # No jwt: REST APIs have no JWT authorizer (a lambda authorizer verifies other issuers).
            auth_modes=("cognito", "iam", "lambda", "none"),
            auth_answer="api_auth",
        ),
        EventKind(
            key="apigw-http",
            title="API Gateway HTTP API (APIGatewayV2HTTPRequest, payload 2.0)",
            summary="a greeting behind an HTTP API",
            go_input="events.APIGatewayV2HTTPRequest",
            go_output="events.APIGatewayV2HTTPResponse",
            default_name="http-api",
            memory=1024,
            timeout=30,
            http=True,
            routes=HELLO_ROUTES,
            auth_modes=("cognito", "iam", "jwt", "lambda", "none"),
            auth_answer="api_auth",
        ),
        EventKind(
            key="alb",
            title="Application Load Balancer target (ALBTargetGroupRequest)",
            summary="a greeting behind an Application Load Balancer",
            go_input="events.ALBTargetGroupRequest",
            go_output="events.ALBTargetGroupResponse",
            default_name="alb",
            memory=1024,
            timeout=30,
            http=True,
            routes=HELLO_ROUTES,
            no_auth=(
                "an ALB target authenticates in its handler, or with the listener's authenticate-oidc or "
                "authenticate-cognito actions"
            ),
        ),
        EventKind(
            key="function-url",
            title="Lambda function URL (LambdaFunctionURLRequest)",
            summary="a greeting at its function URL",
            go_input="events.LambdaFunctionURLRequest",
            go_output="events.LambdaFunctionURLResponse",
            default_name="url",
            memory=1024,
            timeout=30,
            http=True,
            routes=HELLO_ROUTES,
            auth_modes=("iam", "none"),
            auth_answer="function_url_auth",
            cdk=(("corsAllowedOrigins", ["*"]),),
        ),
        EventKind(
            key="s3",
            title="S3 object notifications (S3Event)",
            summary="logs each object created in its bucket",
            go_input="events.S3Event",
            go_output="",
            default_name="s3-processor",
            memory=512,
            timeout=60,
            service="s3",
            one_reader="S3 rejects overlapping notifications",
            samples=("object-created.json",),
            cdk=(("prefix", "incoming/"),),
        ),
        EventKind(
            key="sqs",
            title="SQS queue with a dead-letter queue (SQSEvent, batch item failures)",
            summary="processes order messages from its queue, reporting failed messages",
            go_input="events.SQSEvent",
            go_output="events.SQSEventResponse",
            default_name="processor",
            memory=512,
            timeout=50,
            batch=True,
            # Standard queues: messages are independent. A FIFO queue (fifo: true) keeps the
            # order within each message group (batch.ProcessInGroups), the groups concurrently.
            concurrency=Concurrency(maximum=SQS_BATCH_SIZE),
            service="sqs",
            one_reader="they would compete for its messages",
            fifo=True,
            users=UsersVariant(
                summary="processes the user events of the project's queue, reporting failed messages",
                samples=("user-events.json",),
            ),
            samples=("messages.json",),
            cdk=(("batchSize", SQS_BATCH_SIZE), ("maxBatchingWindowSeconds", 5), ("maxReceiveCount", 3)),
        ),
        EventKind(
            key="dynamodb-stream",
            title="DynamoDB stream (DynamoDBEvent, batch item failures)",
            summary="processes the changes of its table's stream, reporting failed records",
            go_input="events.DynamoDBEvent",
            go_output="events.DynamoDBEventResponse",
            default_name="stream-processor",
            memory=512,
            timeout=60,
            batch=True,
            ordered=True,
            service="dynamodb",
            users=UsersVariant(
                summary="turns the changes of the users table into user events, in order",
                samples=("user-changes.json",),
                own_bench=True,
            ),
            samples=("changes.json",),
            cdk=STREAM_SOURCE,
        ),
        EventKind(
            key="sns",
            title="SNS topic subscription (SNSEvent)",
            summary="handles the notifications of its topic",
            go_input="events.SNSEvent",
            go_output="",
            default_name="notifier",
            memory=256,
            timeout=30,
            service="sns",
            samples=("notification.json",),
        ),
        EventKind(
            key="eventbridge",
            title="EventBridge rule (EventBridgeEvent)",
            summary="handles the events its EventBridge rule matches",
            go_input="events.EventBridgeEvent",
            go_output="",
            default_name="event-handler",
            memory=256,
            timeout=30,
            service="eventbridge",
            samples=("order-placed.json",),
            cdk=(("eventPattern", {"source": ["com.example.orders"], "detailType": ["Order Placed"]}),),
        ),
        EventKind(
            key="kinesis",
            title="Kinesis data stream (KinesisEvent, batch item failures)",
            summary="processes the records of its Kinesis stream, reporting failed records",
            go_input="events.KinesisEvent",
            go_output="events.KinesisEventResponse",
            default_name="kinesis-processor",
            memory=512,
            timeout=60,
            batch=True,
            ordered=True,
            service="kinesis",
            samples=("records.json",),
            cdk=STREAM_SOURCE,
        ),
        EventKind(
            key="schedule",
            title="Scheduled rule, rate and cron (EventBridgeEvent)",
            summary="runs a scheduled job",
            go_input="events.EventBridgeEvent",
            go_output="",
            default_name="scheduled",
            memory=256,
            timeout=300,
            samples=("scheduled.json",),
            cdk=(("schedules", ["rate(1 hour)", "cron(0 10 * * ? *)"]),),
        ),
        EventKind(
            key="direct",
            title="Direct invocation with typed JSON input and output (Step Functions, SDK)",
            summary="turns a typed JSON request into a typed JSON result",
            go_input="",
            go_output="",
            default_name="worker",
            memory=256,
            timeout=30,
            samples=("input.json",),
        ),
        EventKind(
            key="authorizer",
            title="Lambda authorizer of the project's APIs (auth: lambda; REST and HTTP APIs)",
            summary=(
                "the Lambda authorizer of the project's APIs: it verifies the caller's bearer JWT and "
                "passes its subject and claims on"
            ),
            go_input="json.RawMessage",  # a REST (TOKEN, REQUEST) or an HTTP API (2.0) authorizer event
            go_output="any",
            default_name="authorizer",
            memory=256,
            timeout=10,
            no_auth="it is the authorization of the functions with auth lambda",
            authorizer=True,
            own_main=True,
            own_bench=True,
            all_services=False,  # an authorizer reads no data unless its entry lists services
            samples=("rest-request.json", "http-request.json", "rest-token.json"),
        ),
    )
}

# The kinds whose Go handler is the shared HTTP greeting (kinds/_http/) with an adapter per kind.
HTTP_KINDS: tuple[str, ...] = tuple(key for key, kind in CATALOGUE.items() if kind.http)
# The kinds whose functions take api_auth by default: the API Gateway kinds.
API_AUTH_KINDS: tuple[str, ...] = tuple(key for key, kind in CATALOGUE.items() if kind.auth_answer == "api_auth")
AUTHORIZER_KINDS: tuple[str, ...] = tuple(key for key, kind in CATALOGUE.items() if kind.authorizer)


def kind(key: str) -> EventKind:
    """Return the catalogue entry for ``key``; raises KeyError for unknown kinds."""
    return CATALOGUE[key]
