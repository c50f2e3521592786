"""The Go modules a generated project requires, pinned, grouped by the feature that needs them.

go.mod is rendered complete — direct and indirect requirements exactly as `go mod tidy` writes
them — so a fresh render is already tidy, `copier update` merges go.mod line by line, and tests can
read dependencies without a toolchain. tests/test_go.py proves `go mod tidy -diff` finds nothing
to change; when a pin moves, update VERSIONS and let that test tell you about indirect changes.
"""

from __future__ import annotations

from typing import NamedTuple

SDK = "github.com/aws/aws-sdk-go-v2"
OTEL = "go.opentelemetry.io/otel"

VERSIONS: dict[str, str] = {
    "github.com/aws/aws-lambda-go": "v1.55.1",
    "github.com/stretchr/testify": "v1.12.1",
    "go.yaml.in/yaml/v3": "v3.0.5",
    SDK: "v1.48.0",
    f"{SDK}/config": "v1.33.18",
    f"{SDK}/credentials": "v1.21.0",
    f"{SDK}/feature/ec2/imds": "v1.20.9",
    f"{SDK}/internal/configsources": "v1.5.12",
    f"{SDK}/internal/endpoints/v2": "v2.8.12",
    f"{SDK}/internal/v4a": "v1.5.12",
    f"{SDK}/service/internal/accept-encoding": "v1.13.25",
    f"{SDK}/service/internal/presigned-url": "v1.14.12",
    f"{SDK}/service/signin": "v1.13.1",
    f"{SDK}/service/sso": "v1.39.5",
    f"{SDK}/service/ssooidc": "v1.44.5",
    f"{SDK}/service/sts": "v1.52.0",
    "github.com/aws/smithy-go": "v1.28.9",
    f"{SDK}/service/dynamodb": "v1.74.0",
    f"{SDK}/feature/dynamodb/attributevalue": "v1.21.21",
    f"{SDK}/feature/dynamodb/expression": "v1.10.9",
    f"{SDK}/service/dynamodbstreams": "v1.47.0",
    f"{SDK}/service/internal/endpoint-discovery": "v1.13.12",
    f"{SDK}/service/s3": "v1.114.10",
    f"{SDK}/feature/s3/transfermanager": "v0.5.7",
    f"{SDK}/aws/protocol/eventstream": "v1.7.27",
    f"{SDK}/service/internal/checksum": "v1.11.13",
    f"{SDK}/service/internal/s3shared": "v1.20.12",
    f"{SDK}/service/sqs": "v1.53.0",
    f"{SDK}/service/sns": "v1.48.0",
    f"{SDK}/service/secretsmanager": "v1.50.12",
    "github.com/aws/aws-secretsmanager-caching-go/v2": "v2.2.0",
    f"{SDK}/service/ssm": "v1.82.1",
    f"{SDK}/service/kinesis": "v1.57.0",
    f"{SDK}/service/eventbridge": "v1.55.11",
    "github.com/golang-jwt/jwt/v5": "v5.3.1",
    # tracing_spans: the OpenTelemetry SDK and AWS's X-Ray UDP exporter (served at this exact
    # version only), with what they need to build.
    OTEL: "v1.47.0",
    f"{OTEL}/sdk": "v1.47.0",
    f"{OTEL}/trace": "v1.47.0",
    f"{OTEL}/metric": "v1.47.0",
    f"{OTEL}/log": "v1.47.0",
    f"{OTEL}/exporters/otlp/otlptrace": "v1.34.0",
    "github.com/aws-observability/aws-otel-go/exporters/xrayudp": "v1.0.0",
    "go.opentelemetry.io/auto/sdk": "v1.2.1",
    "go.opentelemetry.io/proto/otlp": "v1.5.0",
    "github.com/cespare/xxhash/v2": "v2.3.0",
    "github.com/go-logr/logr": "v1.4.4",
    "github.com/go-logr/stdr": "v1.2.2",
    "github.com/google/uuid": "v1.6.0",
    "github.com/grpc-ecosystem/grpc-gateway/v2": "v2.25.1",
    "golang.org/x/net": "v0.39.0",
    "golang.org/x/sys": "v0.48.0",
    "golang.org/x/text": "v0.24.0",
    "google.golang.org/genproto/googleapis/api": "v0.0.0-20250102185135-69823020774d",
    "google.golang.org/genproto/googleapis/rpc": "v0.0.0-20250102185135-69823020774d",
    "google.golang.org/grpc": "v1.69.2",
    "google.golang.org/protobuf": "v1.36.5",
}

DYNAMODB = (
    f"{SDK}/service/dynamodb",
    f"{SDK}/feature/dynamodb/attributevalue",
    f"{SDK}/feature/dynamodb/expression",
)
DYNAMODB_INDIRECT = (f"{SDK}/service/dynamodbstreams", f"{SDK}/service/internal/endpoint-discovery")
SMITHY = "github.com/aws/smithy-go"


class Feature(NamedTuple):
    direct: tuple[str, ...]  # imported by the project's own packages
    indirect: tuple[str, ...]  # needed to build them, imported by nobody in the project


FEATURES: dict[str, Feature] = {
    "lambda": Feature(
        direct=("github.com/aws/aws-lambda-go", "github.com/stretchr/testify"),
        indirect=("go.yaml.in/yaml/v3",),
    ),
    "aws": Feature(
        # internal/awsconfig builds the configuration in Lambda from credentials and smithy-go's
        # logger, and leaves every other environment to config.
        direct=(SDK, f"{SDK}/config", f"{SDK}/credentials", "github.com/aws/smithy-go"),
        indirect=(
            f"{SDK}/feature/ec2/imds",
            f"{SDK}/internal/configsources",
            f"{SDK}/internal/endpoints/v2",
            f"{SDK}/internal/v4a",
            f"{SDK}/service/internal/accept-encoding",
            f"{SDK}/service/internal/presigned-url",
            f"{SDK}/service/signin",
            f"{SDK}/service/sso",
            f"{SDK}/service/ssooidc",
            f"{SDK}/service/sts",
        ),
    ),
    # The users example: repository over DynamoDB (its tests build smithy errors).
    "users": Feature(direct=(*DYNAMODB, SMITHY), indirect=DYNAMODB_INDIRECT),
    # The service packages under internal/ (extensions/services.py), by aws_services key. Their
    # tests build smithy errors, so smithy-go is a direct requirement of each.
    "dynamodb": Feature(direct=(*DYNAMODB, SMITHY), indirect=DYNAMODB_INDIRECT),
    "s3": Feature(
        direct=(f"{SDK}/service/s3", f"{SDK}/feature/s3/transfermanager", SMITHY),
        indirect=(
            f"{SDK}/aws/protocol/eventstream",
            f"{SDK}/service/internal/checksum",
            f"{SDK}/service/internal/s3shared",
        ),
    ),
    "sqs": Feature(direct=(f"{SDK}/service/sqs", SMITHY), indirect=()),
    "sns": Feature(direct=(f"{SDK}/service/sns", SMITHY), indirect=()),
    "secretsmanager": Feature(
        direct=(f"{SDK}/service/secretsmanager", "github.com/aws/aws-secretsmanager-caching-go/v2", SMITHY),
        indirect=(),
    ),
    "ssm": Feature(direct=(f"{SDK}/service/ssm", SMITHY), indirect=()),
    # The client's SubscribeToShard (which internal/stream does not call) brings the event stream protocol.
    "kinesis": Feature(direct=(f"{SDK}/service/kinesis", SMITHY), indirect=(f"{SDK}/aws/protocol/eventstream",)),
    # Its integration test reads the events a rule sends to an SQS queue.
    "eventbridge": Feature(direct=(f"{SDK}/service/eventbridge", f"{SDK}/service/sqs", SMITHY), indirect=()),
    # The authorizer kind: internal/jwtauth verifies bearer JWTs (signature, issuer, expiry).
    "authorizer": Feature(direct=("github.com/golang-jwt/jwt/v5",), indirect=()),
    # idempotency: internal/idempotency's conditional writes to its DynamoDB table.
    "idempotency": Feature(direct=(f"{SDK}/service/dynamodb", SMITHY), indirect=DYNAMODB_INDIRECT),
    # tracing_spans: internal/tracing (its tests call STS, which every config has, through a fake).
    "tracing": Feature(
        direct=(
            OTEL,
            f"{OTEL}/sdk",
            f"{OTEL}/trace",
            "github.com/aws-observability/aws-otel-go/exporters/xrayudp",
            SDK,
            SMITHY,
            f"{SDK}/service/sts",
        ),
        indirect=(
            f"{OTEL}/metric",
            f"{OTEL}/log",
            f"{OTEL}/exporters/otlp/otlptrace",
            "go.opentelemetry.io/auto/sdk",
            "go.opentelemetry.io/proto/otlp",
            "github.com/cespare/xxhash/v2",
            "github.com/go-logr/logr",
            "github.com/go-logr/stdr",
            "github.com/google/uuid",
            "github.com/grpc-ecosystem/grpc-gateway/v2",
            "golang.org/x/net",
            "golang.org/x/sys",
            "golang.org/x/text",
            "google.golang.org/genproto/googleapis/api",
            "google.golang.org/genproto/googleapis/rpc",
            "google.golang.org/grpc",
            "google.golang.org/protobuf",
        ),
    ),
}


def requirements(features: list[str]) -> dict[str, list[dict[str, str]]]:
    """The direct and indirect requirements of a project with these features, sorted by path."""
    direct = {path for name in features for path in FEATURES[name].direct}
    indirect = {path for name in features for path in FEATURES[name].indirect} - direct

    def entries(paths: set[str]) -> list[dict[str, str]]:
        return [{"path": path, "version": VERSIONS[path]} for path in sorted(paths)]

    return {"direct": entries(direct), "indirect": entries(indirect)}
