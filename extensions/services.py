"""The AWS service catalogue: what each `aws_services` answer adds to a generated project.

One entry per service: the Go package under internal/ that wraps it, the environment variable that
names its resource in Lambda, and the Go module feature (extensions/gomod.py) it needs. The CDK
side (resource and least-privilege grant) reads the same keys from lib/service-config.ts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AwsService:
    key: str  # the answer value
    package: str  # Go package: internal/<package>
    constructor: str  # <package>.<constructor>(ctx, cfg) builds the wrapper from the environment
    go_type: str  # the wrapper type, <package>.<go_type>
    env: str  # environment variable naming the resource
    field: str  # field name in a handler's dependencies
    placeholder: str  # a value of the variable's shape that names nothing real (make measure)


SERVICES: dict[str, AwsService] = {
    service.key: service
    for service in (
        AwsService("dynamodb", "table", "NewFromConfig", "Table", "TABLE_NAME", "Table", "measure-table"),
        AwsService("s3", "objects", "NewFromConfig", "Store", "BUCKET_NAME", "Objects", "measure-bucket"),
        AwsService(
            "sqs",
            "queue",
            "NewFromConfig",
            "Queue",
            "QUEUE_URL",
            "Queue",
            "https://sqs.us-east-1.amazonaws.com/000000000000/measure-queue",
        ),
        AwsService(
            "sns",
            "topic",
            "NewFromConfig",
            "Topic",
            "TOPIC_ARN",
            "Topic",
            "arn:aws:sns:us-east-1:000000000000:measure-topic",
        ),
        AwsService("secretsmanager", "secrets", "NewFromConfig", "Secret", "SECRET_ID", "Secret", "measure-secret"),
        AwsService("ssm", "params", "NewFromConfig", "Parameter", "PARAMETER_NAME", "Parameter", "/measure/parameter"),
        AwsService(
            "kinesis",
            "stream",
            "NewFromConfig",
            "Stream",
            "STREAM_ARN",
            "Stream",
            "arn:aws:kinesis:us-east-1:000000000000:stream/measure-stream",
        ),
        AwsService("eventbridge", "bus", "NewFromConfig", "Bus", "EVENT_BUS_NAME", "Bus", "measure-bus"),
    )
}

# How the stack keeps each service's data (lib/services.ts), at rest and in transit: SECURITY.md
# of a generated project lists it for the services the project uses.
PROTECTION: dict[str, str] = {
    "dynamodb": "encrypted at rest with a key DynamoDB owns; point-in-time recovery; kept when the stack is deleted",
    "s3": (
        "S3-managed encryption; all public access blocked; a bucket policy refusing requests without TLS; "
        "versioned; server access logs; retained"
    ),
    "sqs": "SQS-managed encryption and a queue policy refusing requests without TLS, dead-letter queue included",
    "sns": "encrypted with the AWS managed key alias/aws/sns; a topic policy refusing requests without TLS",
    "secretsmanager": (
        "encrypted with Secrets Manager's AWS managed key; the value is generated at deploy time and read at "
        "run time, never written in code, templates or environment values; not rotated yet"
    ),
    "ssm": "a String parameter, not encrypted (CloudFormation cannot create a SecureString one): configuration only",
    "kinesis": "encrypted with the AWS managed key alias/aws/kinesis; records kept 24 hours",
    "eventbridge": "events encrypted at rest with a key EventBridge owns",
}
