"""tools/localaws/localaws.py of CDK projects: the local AWS that `make dev AWS=local`, `make invoke
AWS=local` and `make local-aws` start. Runs the script as the Makefile does, on small CloudFormation
templates, against the moto server it starts on 127.0.0.1, and checks its one line of JSON and the
resources it created through boto3."""

from __future__ import annotations

import ast
import contextlib
import http.server
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from .conftest import ROOT, free_port, port_is_free

pytestmark = pytest.mark.runtime

SCRIPT = ROOT / "template" / "tools" / "{{ 'localaws' if iac == 'cdk' else '' }}" / "localaws.py"
TIMEOUT = 60  # seconds for one run of the script; a run takes a few


def write_template(directory: Path, stack: str, resources: dict[str, Any], **sections: Any) -> Path:
    path = directory / f"{stack}.template.json"
    path.write_text(json.dumps({"Resources": resources, **sections}))
    return path


def command(*templates: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    args = [sys.executable, str(SCRIPT), "--port", str(port), "--host", host]
    for template in templates:
        args += ["--template", str(template)]
    return args


def run_once(*templates: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    """One run with stdin at EOF: a server it starts stops right after the JSON line."""
    return subprocess.run(
        command(*templates, port=port),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **env},
    )


@contextlib.contextmanager
def serving(*templates: Path, port: int, **env: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any], str]]:
    """The script serving as under the Go runner: (process, its JSON, its stderr summary). At the end
    stdin is closed, and the script must have exited 0 without printing anything more on stdout."""
    with subprocess.Popen(
        command(*templates, port=port),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    ) as process:
        assert process.stdin and process.stdout and process.stderr
        try:
            line = read_line(process, process.stdout)
            assert line, f"exited {process.wait(TIMEOUT)} without its JSON line:\n{process.stderr.read()}"
            yield process, json.loads(line), read_line(process, process.stderr)
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        assert process.stdout.read() == "", "more than one line on stdout"
        assert process.returncode == 0, process.stderr.read()


def read_line(process: subprocess.Popen[str], stream: Any) -> str:
    ready, _, _ = select.select([stream], [], [], TIMEOUT)
    if not ready:
        process.kill()
        pytest.fail(f"no line from the script after {TIMEOUT}s")
    return stream.readline()


def client(endpoint: str, service: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on port (Linux /proc/net/tcp{,6})."""
    addresses = set()
    for table, loopback in (("/proc/net/tcp", "0100007F"), ("/proc/net/tcp6", "00000000000000000000000001000000")):
        with contextlib.suppress(FileNotFoundError), open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    addresses.add("loopback" if address == loopback else address)
    return addresses


# A trimmed copy of what `make synth` writes for a project using every AWS service: resources,
# properties, intrinsics and metadata exactly as CDK synthesizes them (policies shortened).
CDK_STACK = {
    "Resources": {
        "TableCD117FA1": {
            "Type": "AWS::DynamoDB::GlobalTable",
            "Properties": {
                "AttributeDefinitions": [
                    {"AttributeName": "PK", "AttributeType": "S"},
                    {"AttributeName": "SK", "AttributeType": "S"},
                    {"AttributeName": "GSI1PK", "AttributeType": "S"},
                    {"AttributeName": "GSI1SK", "AttributeType": "S"},
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": "GSI1",
                        "KeySchema": [
                            {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                            {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
                "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                "Replicas": [
                    {
                        "DeletionProtectionEnabled": False,
                        "GlobalSecondaryIndexes": [{"IndexName": "GSI1"}],
                        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                        "Region": "us-east-1",
                        "Tags": [{"Key": "project", "Value": "my-service"}],
                    }
                ],
            },
            "UpdateReplacePolicy": "Retain",
            "DeletionPolicy": "Retain",
            "Metadata": {"aws:cdk:path": "my-service/Table/Resource"},
        },
        "AccessLogsBucket83982689": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
                "LifecycleConfiguration": {"Rules": [{"ExpirationInDays": 30, "Status": "Enabled"}]},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "UpdateReplacePolicy": "Retain",
            "DeletionPolicy": "Retain",
            "Metadata": {"aws:cdk:path": "my-service/AccessLogsBucket/Resource"},
        },
        "Bucket83908E77": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                            "Status": "Enabled",
                        }
                    ]
                },
                "LoggingConfiguration": {
                    "DestinationBucketName": {"Ref": "AccessLogsBucket83982689"},
                    "LogFilePrefix": "bucket/",
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "Tags": [{"Key": "project", "Value": "my-service"}],
                "VersioningConfiguration": {"Status": "Enabled"},
            },
            "UpdateReplacePolicy": "Retain",
            "DeletionPolicy": "Retain",
            "Metadata": {"aws:cdk:path": "my-service/Bucket/Resource"},
        },
        "BucketPolicyE9A3008A": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "Bucket83908E77"},
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Action": "s3:*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            "Effect": "Deny",
                            "Principal": {"AWS": "*"},
                            "Resource": [
                                {"Fn::GetAtt": ["Bucket83908E77", "Arn"]},
                                {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket83908E77", "Arn"]}, "/*"]]},
                            ],
                        }
                    ],
                    "Version": "2012-10-17",
                },
            },
            "Metadata": {"aws:cdk:path": "my-service/Bucket/Policy/Resource"},
        },
        "DeadLetterQueue9F481546": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "MessageRetentionPeriod": 1209600,
                "SqsManagedSseEnabled": True,
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "UpdateReplacePolicy": "Delete",
            "DeletionPolicy": "Delete",
            "Metadata": {"aws:cdk:path": "my-service/DeadLetterQueue/Resource"},
        },
        "Queue4A7E3555": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue9F481546", "Arn"]},
                    "maxReceiveCount": 3,
                },
                "SqsManagedSseEnabled": True,
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "UpdateReplacePolicy": "Delete",
            "DeletionPolicy": "Delete",
            "Metadata": {"aws:cdk:path": "my-service/Queue/Resource"},
        },
        "QueuePolicy25439813": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Action": "sqs:*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            "Effect": "Deny",
                            "Principal": {"AWS": "*"},
                            "Resource": {"Fn::GetAtt": ["Queue4A7E3555", "Arn"]},
                        }
                    ],
                    "Version": "2012-10-17",
                },
                "Queues": [{"Ref": "Queue4A7E3555"}],
            },
            "Metadata": {"aws:cdk:path": "my-service/Queue/Policy/Resource"},
        },
        "TopicBFC7AF6E": {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "DisplayName": "my-service topic",
                "KmsMasterKeyId": "alias/aws/sns",
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "Metadata": {"aws:cdk:path": "my-service/Topic/Resource"},
        },
        "SecretA720EF05": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "my-service: read by the functions through SECRET_ID; generated",
                "GenerateSecretString": {"ExcludePunctuation": True, "PasswordLength": 32},
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "UpdateReplacePolicy": "Delete",
            "DeletionPolicy": "Delete",
            "Metadata": {"aws:cdk:path": "my-service/Secret/Resource"},
        },
        "Parameter9E1B4FBA": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Description": "my-service: read by the functions through PARAMETER_NAME; value set out of band",
                "Name": "/my-service/parameter",
                "Tags": {"project": "my-service"},
                "Tier": "Standard",
                "Type": "String",
                "Value": "placeholder: set the real value out of band (see infrastructure/README.md)",
            },
            "Metadata": {"aws:cdk:path": "my-service/Parameter/Resource"},
        },
        "Stream790BDEE4": {
            "Type": "AWS::Kinesis::Stream",
            "Properties": {
                "RetentionPeriodHours": 24,
                "ShardCount": 1,
                "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
                "StreamModeDetails": {"StreamMode": "PROVISIONED"},
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "UpdateReplacePolicy": "Retain",
            "DeletionPolicy": "Retain",
            "Metadata": {"aws:cdk:path": "my-service/Stream/Resource"},
        },
        "EventBus7B8748AA": {
            "Type": "AWS::Events::EventBus",
            "Properties": {
                "Description": "my-service: events the functions put through EVENT_BUS_NAME",
                "Name": "myserviceEventBusAE0E4560",
                "Tags": [{"Key": "project", "Value": "my-service"}],
            },
            "Metadata": {"aws:cdk:path": "my-service/EventBus/Resource"},
        },
        # The sns kind's trigger: a Lambda subscription, which the local AWS does not create.
        "NotifierFunctionNotifierTopic5B18EC13": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "Endpoint": {"Fn::GetAtt": ["ApiFunctionCE271BD4", "Arn"]},
                "Protocol": "lambda",
                "TopicArn": {"Ref": "TopicBFC7AF6E"},
            },
            "Metadata": {"aws:cdk:path": "my-service/NotifierFunction/NotifierTopic/Resource"},
        },
        "ApiLogGroup1DEDFC07": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"RetentionInDays": 30, "Tags": [{"Key": "project", "Value": "my-service"}]},
            "UpdateReplacePolicy": "Delete",
            "DeletionPolicy": "Delete",
            "Metadata": {"aws:cdk:path": "my-service/ApiLogGroup/Resource"},
        },
        "ApiRole1873F438": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Action": "sts:AssumeRole",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                        }
                    ],
                    "Version": "2012-10-17",
                },
                "Description": "my-service api function",
            },
            "Metadata": {"aws:cdk:path": "my-service/ApiRole/Resource"},
        },
        "ApiFunctionCE271BD4": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Architectures": ["arm64"],
                "Code": {
                    "S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-us-east-1"},
                    "S3Key": "c85ed3105e6211f2cde56741e1e76ed4a475e8e23dad97fabc3e33168b74b846.zip",
                },
                "Description": "my-service api (apigw-rest)",
                "Environment": {
                    "Variables": {
                        "LOG_LEVEL": "INFO",
                        "TABLE_NAME": {"Ref": "TableCD117FA1"},
                        "BUCKET_NAME": {"Ref": "Bucket83908E77"},
                        "QUEUE_URL": {"Ref": "Queue4A7E3555"},
                        "TOPIC_ARN": {"Ref": "TopicBFC7AF6E"},
                        "SECRET_ID": {"Ref": "SecretA720EF05"},
                        "PARAMETER_NAME": {"Ref": "Parameter9E1B4FBA"},
                        "STREAM_ARN": {"Fn::GetAtt": ["Stream790BDEE4", "Arn"]},
                        "EVENT_BUS_NAME": {"Ref": "EventBus7B8748AA"},
                    }
                },
                "Handler": "bootstrap",
                "LoggingConfig": {
                    "ApplicationLogLevel": "INFO",
                    "LogFormat": "JSON",
                    "LogGroup": {"Ref": "ApiLogGroup1DEDFC07"},
                    "SystemLogLevel": "INFO",
                },
                "MemorySize": 1024,
                "Role": {"Fn::GetAtt": ["ApiRole1873F438", "Arn"]},
                "Runtime": "provided.al2023",
                "Timeout": 30,
                "TracingConfig": {"Mode": "Active"},
            },
            "DependsOn": ["ApiRole1873F438"],
            "Metadata": {
                "aws:cdk:path": "my-service/ApiFunction/Resource",
                "aws:asset:path": "asset.c85ed3105e6211f2cde56741e1e76ed4a475e8e23dad97fabc3e33168b74b846",
                "aws:asset:is-bundled": False,
                "aws:asset:property": "Code",
            },
        },
        "CDKMetadata": {
            "Type": "AWS::CDK::Metadata",
            "Properties": {"Analytics": "v2:deflate64:H4sIAAAAAAAA/90W227bNvRbyseC0YIU2AC"},
            "Metadata": {"aws:cdk:path": "my-service/CDKMetadata/Default"},
        },
    },
    "Outputs": {"TableName": {"Description": "DynamoDB table (TABLE_NAME)", "Value": {"Ref": "TableCD117FA1"}}},
    "Parameters": {
        "BootstrapVersion": {
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": "/cdk-bootstrap/hnb659fds/version",
            "Description": "Version of the CDK Bootstrap resources in this environment. [cdk:skip]",
        }
    },
    "Rules": {
        "CheckBootstrapVersion": {
            "Assertions": [
                {
                    "Assert": {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "BootstrapVersion"}]}]},
                    "AssertDescription": "CDK bootstrap stack version 6 required.",
                }
            ]
        }
    },
}


@pytest.fixture
def cdk_template(tmp_path: Path) -> Path:
    path = tmp_path / "my-service.template.json"
    path.write_text(json.dumps(CDK_STACK, indent=1))
    return path


def test_cdk_synth_template(cdk_template: Path) -> None:
    port = free_port()
    with serving(cdk_template, port=port) as (_, output, summary):
        endpoint = f"http://127.0.0.1:{port}"
        assert output["endpoint"] == endpoint
        assert output["region"] == "us-east-1"
        assert list(output["functions"]) == ["ApiFunction"]
        function = output["functions"]["ApiFunction"]
        assert (function["memory"], function["timeout"]) == (1024, 30)
        env = function["env"]
        assert env["LOG_LEVEL"] == "INFO"
        assert env["TABLE_NAME"] == "my-service-tablecd117fa1"
        assert env["BUCKET_NAME"] == "my-service-bucket83908e77"
        assert env["QUEUE_URL"] == f"{endpoint}/123456789012/my-service-queue4a7e3555"
        assert env["TOPIC_ARN"] == "arn:aws:sns:us-east-1:123456789012:my-service-topicbfc7af6e"
        assert env["SECRET_ID"].startswith(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:my-service-secreta720ef05-"
        )
        assert env["PARAMETER_NAME"] == "/my-service/parameter"
        assert env["STREAM_ARN"] == "arn:aws:kinesis:us-east-1:123456789012:stream/my-service-stream790bdee4"
        assert env["EVENT_BUS_NAME"] == "myserviceEventBusAE0E4560"
        assert summary.startswith(f"local AWS on {endpoint} (started): ")
        assert "table my-service-tablecd117fa1" in summary
        assert "stream my-service-stream790bdee4" in summary and "event bus myserviceEventBusAE0E4560" in summary
        if Path("/proc/net/tcp").exists():  # Linux: nothing but 127.0.0.1 listens
            assert listening_addresses(port) == {"loopback"}

        table = client(endpoint, "dynamodb").describe_table(TableName=env["TABLE_NAME"])["Table"]
        assert table["KeySchema"] == [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ]
        [index] = table["GlobalSecondaryIndexes"]
        assert index["IndexName"] == "GSI1"
        assert index["KeySchema"] == [
            {"AttributeName": "GSI1PK", "KeyType": "HASH"},
            {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
        ]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

        s3 = client(endpoint, "s3")
        assert s3.get_bucket_versioning(Bucket=env["BUCKET_NAME"])["Status"] == "Enabled"
        s3.head_bucket(Bucket="my-service-accesslogsbucket83982689")

        sqs = client(endpoint, "sqs")
        attributes = sqs.get_queue_attributes(QueueUrl=env["QUEUE_URL"], AttributeNames=["All"])["Attributes"]
        dlq_url = sqs.get_queue_url(QueueName="my-service-deadletterqueue9f481546")["QueueUrl"]
        dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
        assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": 3}
        assert dlq["MessageRetentionPeriod"] == "1209600"

        sns = client(endpoint, "sns")
        assert env["TOPIC_ARN"] in [topic["TopicArn"] for topic in sns.list_topics()["Topics"]]
        assert sns.list_subscriptions()["Subscriptions"] == []  # the Lambda subscription is not created

        secret = client(endpoint, "secretsmanager").get_secret_value(SecretId=env["SECRET_ID"])["SecretString"]
        assert len(secret) == 32 and secret.isalnum()

        parameter = client(endpoint, "ssm").get_parameter(Name=env["PARAMETER_NAME"])["Parameter"]
        assert parameter["Value"].startswith("placeholder: set the real value out of band")
        assert parameter["Type"] == "String"

        # The functions' stream and bus take what internal/stream and internal/bus send: records
        # by the stream's ARN, events by the bus's name.
        kinesis = client(endpoint, "kinesis")
        stream = kinesis.describe_stream_summary(StreamARN=env["STREAM_ARN"])["StreamDescriptionSummary"]
        assert (stream["StreamStatus"], stream["OpenShardCount"]) == ("ACTIVE", 1)
        put = kinesis.put_records(StreamARN=env["STREAM_ARN"], Records=[{"Data": b'{"n":1}', "PartitionKey": "k"}])
        assert put["FailedRecordCount"] == 0
        events = client(endpoint, "events")
        assert events.describe_event_bus(Name=env["EVENT_BUS_NAME"])["Arn"] == (
            "arn:aws:events:us-east-1:123456789012:event-bus/myserviceEventBusAE0E4560"
        )
        entry = {"Source": "com.example", "DetailType": "Test", "Detail": "{}", "EventBusName": env["EVENT_BUS_NAME"]}
        assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0

    assert port_is_free(port)


def queue(properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": properties or {}}


FEATURES = {
    "Orders": {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": "orders",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
            "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "at", "AttributeType": "N"},
                {"AttributeName": "status", "AttributeType": "S"},
            ],
            "LocalSecondaryIndexes": [
                {
                    "IndexName": "ByStatus",
                    "KeySchema": [
                        {"AttributeName": "id", "KeyType": "HASH"},
                        {"AttributeName": "status", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
            "SSESpecification": {"SSEEnabled": True},
        },
    },
    "Jobs": queue(
        {
            "FifoQueue": True,
            "ContentBasedDeduplication": "true",
            "VisibilityTimeout": 45,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": "JobsDlq.Arn"}, "maxReceiveCount": "5"},
            "KmsMasterKeyId": "alias/aws/sqs",
        }
    ),
    "JobsDlq": queue({"FifoQueue": "true", "MessageRetentionPeriod": 1209600}),
    "Inbox": queue({"QueueName": {"Fn::Sub": "${AWS::StackName}-inbox"}}),
    "Events": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/aws/sns"}},
    "InboxSubscription": {
        "Type": "AWS::SNS::Subscription",
        "Properties": {
            "Protocol": "sqs",
            "TopicArn": {"Ref": "Events"},
            "Endpoint": {"Fn::GetAtt": ["Inbox", "Arn"]},
            "RawMessageDelivery": True,
            "FilterPolicy": {"kind": ["order"]},
        },
    },
    "ApiKey": {"Type": "AWS::SecretsManager::Secret", "Properties": {"SecretString": "s3cr3t"}},
    "DbCredentials": {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {
            "GenerateSecretString": {
                "SecretStringTemplate": '{"username": "app"}',
                "GenerateStringKey": "password",
                "PasswordLength": 20,
                "ExcludeCharacters": "\"@/\\'",
            }
        },
    },
    "Flags": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "StringList", "Value": "a,b"}},
    "Clicks": {"Type": "AWS::Kinesis::Stream", "Properties": {"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}},
    "Uploads": {"Type": "AWS::S3::Bucket"},
    "ThisLogicalIdIsFarTooLongForAnS3BucketNameOnceTheStackNameIsPutInFrontOfItABCDEF12": {"Type": "AWS::S3::Bucket"},
    "Worker": {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Environment": {
                "Variables": {
                    "TABLE_ARN": {"Fn::GetAtt": ["Orders", "Arn"]},
                    "TABLE_STREAM": {"Fn::GetAtt": ["Orders", "StreamArn"]},
                    "JOBS_ARN": {"Fn::GetAtt": "Jobs.Arn"},
                    "JOBS_NAME": {"Fn::GetAtt": ["Jobs", "QueueName"]},
                    "INBOX_URL": {"Fn::GetAtt": ["Inbox", "QueueUrl"]},
                    "TOPIC_NAME": {"Fn::GetAtt": ["Events", "TopicName"]},
                    "BUCKET_ARN": {"Fn::GetAtt": ["Uploads", "Arn"]},
                    "OBJECTS": {"Fn::Join": ["", [{"Fn::GetAtt": ["Uploads", "Arn"]}, "/*"]]},
                    "STREAM": {"Ref": "Clicks"},
                    "STREAM_ARN": {"Fn::GetAtt": ["Clicks", "Arn"]},
                    "FLAGS": {"Ref": "Flags"},
                    "SECOND_FLAG": {"Fn::Select": [1, {"Fn::Split": [",", {"Fn::GetAtt": ["Flags", "Value"]}]}]},
                    "WHERE": {"Fn::Sub": "${AWS::Partition}:${AWS::Region}:${AWS::AccountId}:${AWS::URLSuffix}"},
                    "SUB_LIST": {"Fn::Sub": ["${Name}/${Uploads}/${!Literal}", {"Name": {"Ref": "AWS::StackName"}}]},
                    "SUB_ATTR": {"Fn::Sub": "${Jobs.QueueName}"},
                }
            }
        },
    },
}


def test_resources_and_intrinsics(tmp_path: Path) -> None:
    template = write_template(tmp_path, "features", FEATURES)
    port = free_port()
    # Nothing of a developer's AWS setup may take a request elsewhere than the local endpoint.
    isolation = {
        "AWS_REGION": "eu-west-1",
        "AWS_PROFILE": "no-such-profile",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    with serving(template, port=port, **isolation) as (_, output, _summary):
        endpoint = output["endpoint"]
        assert output["region"] == "eu-west-1"
        # No aws:cdk:path: the logical id; no MemorySize or Timeout: Lambda's defaults.
        worker = output["functions"]["Worker"]
        assert (worker["memory"], worker["timeout"]) == (128, 3)
        env = worker["env"]
        region_account = "eu-west-1:123456789012"
        assert env["TABLE_ARN"] == f"arn:aws:dynamodb:{region_account}:table/orders"
        assert env["TABLE_STREAM"].startswith(f"arn:aws:dynamodb:{region_account}:table/orders/stream/")
        assert env["JOBS_ARN"] == f"arn:aws:sqs:{region_account}:features-jobs.fifo"
        assert env["JOBS_NAME"] == env["SUB_ATTR"] == "features-jobs.fifo"
        assert env["INBOX_URL"] == f"{endpoint}/123456789012/features-inbox"
        assert env["TOPIC_NAME"] == "features-events"
        assert env["BUCKET_ARN"] == "arn:aws:s3:::features-uploads"
        assert env["OBJECTS"] == "arn:aws:s3:::features-uploads/*"
        assert env["STREAM"] == "features-clicks"
        assert env["STREAM_ARN"] == f"arn:aws:kinesis:{region_account}:stream/features-clicks"
        assert env["FLAGS"] == "features-flags"
        assert env["SECOND_FLAG"] == "b"
        assert env["WHERE"] == f"aws:{region_account}:amazonaws.com"
        assert env["SUB_LIST"] == "features/features-uploads/${Literal}"

        dynamodb = client(endpoint, "dynamodb", "eu-west-1")
        table = dynamodb.describe_table(TableName="orders")["Table"]
        assert [index["IndexName"] for index in table["LocalSecondaryIndexes"]] == ["ByStatus"]
        assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
        ttl = dynamodb.describe_time_to_live(TableName="orders")["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expiration")

        sqs = client(endpoint, "sqs", "eu-west-1")
        jobs_url = sqs.get_queue_url(QueueName="features-jobs.fifo")["QueueUrl"]
        jobs = sqs.get_queue_attributes(QueueUrl=jobs_url, AttributeNames=["All"])["Attributes"]
        assert (jobs["FifoQueue"], jobs["ContentBasedDeduplication"], jobs["VisibilityTimeout"]) == (
            "true",
            "true",
            "45",
        )
        redrive = json.loads(jobs["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == f"arn:aws:sqs:{region_account}:features-jobsdlq.fifo"
        assert int(redrive["maxReceiveCount"]) == 5

        secrets = client(endpoint, "secretsmanager", "eu-west-1")
        assert secrets.get_secret_value(SecretId="features-apikey")["SecretString"] == "s3cr3t"
        credentials = json.loads(secrets.get_secret_value(SecretId="features-dbcredentials")["SecretString"])
        assert credentials["username"] == "app"
        assert len(credentials["password"]) == 20 and not set(credentials["password"]) & set("\"@/\\'")

        parameter = client(endpoint, "ssm", "eu-west-1").get_parameter(Name="features-flags")["Parameter"]
        assert (parameter["Type"], parameter["Value"]) == ("StringList", "a,b")

        kinesis = client(endpoint, "kinesis", "eu-west-1")
        assert (
            kinesis.describe_stream_summary(StreamName="features-clicks")["StreamDescriptionSummary"]["OpenShardCount"]
            == 1
        )

        buckets = [bucket["Name"] for bucket in client(endpoint, "s3", "eu-west-1").list_buckets()["Buckets"]]
        [long_name] = [name for name in buckets if name.startswith("features-thislogicalid")]
        assert len(long_name) <= 63 and long_name == long_name.lower()


USER_POOL = {
    "Users": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "svc-users", "MfaConfiguration": "ON"}},
    "UsersClient": {
        "Type": "AWS::Cognito::UserPoolClient",
        "Properties": {"UserPoolId": {"Ref": "Users"}, "ClientName": "svc-api", "GenerateSecret": False},
    },
    "Gate": {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "provided.al2023",
            "Environment": {
                "Variables": {
                    "JWT_ISSUER": {"Fn::GetAtt": ["Users", "ProviderURL"]},
                    "JWT_AUDIENCE": {"Ref": "UsersClient"},
                    "POOL_ARN": {"Fn::GetAtt": ["Users", "Arn"]},
                }
            },
        },
    },
}


def test_user_pool_and_client_resolve_and_are_reused(tmp_path: Path) -> None:
    """A user pool and its app client are created once, found again by name on the next run, and
    the references an authorizer function's environment makes to them resolve."""
    template = write_template(tmp_path, "svc", USER_POOL)
    port = free_port()
    with serving(template, port=port) as (_, first, summary):
        env = first["functions"]["Gate"]["env"]
        cognito = client(first["endpoint"], "cognito-idp")
        (pool,) = [p for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == "svc-users"]
        assert env["JWT_ISSUER"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool['Id']}"
        assert env["POOL_ARN"] == f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool['Id']}"
        (app,) = cognito.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"]
        assert (env["JWT_AUDIENCE"], app["ClientName"]) == (app["ClientId"], "svc-api")
        assert "user pool svc-users, user pool client svc-api" in summary
        with serving(template, port=port) as (_, again, _):
            assert again["functions"]["Gate"]["env"] == env, "the same pool and client, not new ones"
        assert len(cognito.list_user_pools(MaxResults=60)["UserPools"]) == 1


def test_subscription_delivers_to_the_queue(tmp_path: Path) -> None:
    template = write_template(tmp_path, "features", FEATURES)
    port = free_port()
    with serving(template, port=port) as (_, output, _summary):
        endpoint = output["endpoint"]
        sns, sqs = client(endpoint, "sns"), client(endpoint, "sqs")
        topic = output["functions"]["Worker"]["env"]["TOPIC_NAME"]
        topic_arn = f"arn:aws:sns:us-east-1:123456789012:{topic}"
        inbox = output["functions"]["Worker"]["env"]["INBOX_URL"]

        def attribute(kind: str) -> dict[str, Any]:
            return {"kind": {"DataType": "String", "StringValue": kind}}

        sns.publish(TopicArn=topic_arn, Message="filtered out", MessageAttributes=attribute("invoice"))
        sns.publish(TopicArn=topic_arn, Message="order 42", MessageAttributes=attribute("order"))
        received = sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=10, WaitTimeSeconds=2)["Messages"]
        assert [message["Body"] for message in received] == ["order 42"]  # raw delivery: no SNS envelope


def test_second_run_reuses_the_server_and_keeps_data(cdk_template: Path) -> None:
    port = free_port()
    with serving(cdk_template, port=port) as (process, first, _summary):
        endpoint = first["endpoint"]
        env = first["functions"]["ApiFunction"]["env"]
        client(endpoint, "dynamodb").put_item(
            TableName=env["TABLE_NAME"], Item={"PK": {"S": "USER#1"}, "SK": {"S": "PROFILE"}}
        )
        client(endpoint, "sqs").send_message(QueueUrl=env["QUEUE_URL"], MessageBody="kept")
        client(endpoint, "s3").put_object(Bucket=env["BUCKET_NAME"], Key="kept.txt", Body=b"kept")
        client(endpoint, "secretsmanager").put_secret_value(SecretId=env["SECRET_ID"], SecretString="real secret")
        client(endpoint, "ssm").put_parameter(Name=env["PARAMETER_NAME"], Value="real value", Overwrite=True)

        again = run_once(cdk_template, port=port)
        assert again.returncode == 0, again.stderr
        assert again.stderr.startswith(f"local AWS on {endpoint} (reused): ")
        assert json.loads(again.stdout) == first
        assert again.stdout.count("\n") == 1

        item = client(endpoint, "dynamodb").get_item(
            TableName=env["TABLE_NAME"], Key={"PK": {"S": "USER#1"}, "SK": {"S": "PROFILE"}}
        )
        assert "Item" in item
        messages = client(endpoint, "sqs").receive_message(QueueUrl=env["QUEUE_URL"], WaitTimeSeconds=1)["Messages"]
        assert [message["Body"] for message in messages] == ["kept"]
        assert client(endpoint, "s3").get_object(Bucket=env["BUCKET_NAME"], Key="kept.txt")["Body"].read() == b"kept"
        secret = client(endpoint, "secretsmanager").get_secret_value(SecretId=env["SECRET_ID"])
        assert secret["SecretString"] == "real secret"
        assert client(endpoint, "ssm").get_parameter(Name=env["PARAMETER_NAME"])["Parameter"]["Value"] == "real value"
        assert process.poll() is None  # the reusing run left the server alone


def test_two_templates(tmp_path: Path, cdk_template: Path) -> None:
    other = write_template(
        tmp_path,
        "other-service",
        {
            "Table": CDK_STACK["Resources"]["TableCD117FA1"],
            "ApiFunction": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Environment": {"Variables": {"TABLE_NAME": {"Ref": "Table"}}}, "MemorySize": "256"},
                "Metadata": {"aws:cdk:path": "other-service/ApiFunction/Resource"},
            },
            # A CfnFunction made directly: its path ends with its construct id.
            "PlainFunction0A1B2C3D": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Timeout": 900},
                "Metadata": {"aws:cdk:path": "other-service/Plain"},
            },
        },
    )
    result = run_once(cdk_template, other, port=free_port())
    assert result.returncode == 0, result.stderr
    functions = json.loads(result.stdout)["functions"]
    # Same construct id (and logical id) in both stacks: the second one goes by <stack>/<logical id>.
    assert functions["ApiFunction"]["env"]["TABLE_NAME"] == "my-service-tablecd117fa1"
    assert functions["ApiFunction"]["memory"] == 1024
    assert list(functions) == ["ApiFunction", "other-service/ApiFunction", "Plain"]
    assert functions["other-service/ApiFunction"]["env"] == {"TABLE_NAME": "other-service-table"}
    assert functions["other-service/ApiFunction"]["memory"] == 256
    assert functions["Plain"] == {"env": {}, "memory": 128, "timeout": 900}


def test_started_server_stops_when_stdin_closes(cdk_template: Path) -> None:
    port = free_port()
    with serving(cdk_template, port=port) as (process, _output, _summary):
        assert not port_is_free(port)
        assert process.stdin is not None
        process.stdin.close()
        assert process.wait(timeout=15) == 0
    assert port_is_free(port)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_started_server_stops_on_a_signal(cdk_template: Path, signum: int) -> None:
    port = free_port()
    with serving(cdk_template, port=port) as (process, _output, _summary):
        process.send_signal(signum)
        assert process.wait(timeout=15) == 0
    assert port_is_free(port)


def expect_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    for fragment in fragments:
        assert fragment in first
    return first


def test_missing_template(tmp_path: Path) -> None:
    port = free_port()
    result = run_once(tmp_path / "cdk.out" / "my-service.template.json", port=port)
    expect_error(result, "my-service.template.json not found: run make synth first")
    assert port_is_free(port)


def test_not_a_template(tmp_path: Path) -> None:
    path = tmp_path / "my-service.template.json"
    path.write_text("{not json")
    expect_error(run_once(path, port=free_port()), "my-service.template.json is not a CloudFormation template")


def test_custom_resource_handlers_are_left_out(tmp_path: Path) -> None:
    """A CDK custom-resource handler (Node.js) never runs locally: its variables, which may name a
    resource only AWS has, are not resolved and it is not in the output."""
    stack = json.loads(json.dumps(CDK_STACK))
    del stack["Resources"]["Parameter9E1B4FBA"]
    stack["Resources"]["ApiFunctionCE271BD4"]["Properties"]["Environment"]["Variables"].pop("PARAMETER_NAME")
    stack["Resources"]["ProviderframeworkonEvent"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "nodejs22.x",
            "Environment": {"Variables": {"USER_ON_EVENT_FUNCTION_ARN": {"Fn::GetAtt": ["ApiRole1873F438", "Arn"]}}},
        },
    }
    template = write_template(tmp_path, "my-service", stack["Resources"], Parameters=stack["Parameters"])
    result = run_once(template, port=free_port())
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(result.stdout)["functions"]) == ["ApiFunction"]


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ({"Fn::GetAtt": ["ApiRole1873F438", "Arn"]}, "ApiRole1873F438 is an AWS::IAM::Role"),
        ({"Ref": "BootstrapVersion"}, "BootstrapVersion is a template parameter"),
        ({"Fn::ImportValue": "shared-table"}, "Fn::ImportValue is not supported locally"),
        ({"Ref": "NoSuchThing"}, "NoSuchThing is not a resource of stack my-service"),
        ({"Fn::GetAtt": ["TableCD117FA1", "StreamArn"]}, "TableCD117FA1 has no attribute StreamArn"),
    ],
)
def test_unresolvable_reference(tmp_path: Path, expression: dict[str, Any], reason: str) -> None:
    stack = json.loads(json.dumps(CDK_STACK))
    variables = stack["Resources"]["ApiFunctionCE271BD4"]["Properties"]["Environment"]["Variables"]
    # Without the parameter: moto's first SSM request takes a second and a half.
    del stack["Resources"]["Parameter9E1B4FBA"], variables["PARAMETER_NAME"]
    variables["SHARED"] = expression
    template = write_template(tmp_path, "my-service", stack["Resources"], Parameters=stack["Parameters"])
    port = free_port()
    first = expect_error(run_once(template, port=port), "ApiFunction", "SHARED", json.dumps(expression), reason)
    assert first.startswith("function ApiFunction of stack my-service: environment variable SHARED: cannot resolve")
    assert port_is_free(port)  # the server it started is stopped


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            queue({"RedrivePolicy": {"deadLetterTargetArn": {"Fn::ImportValue": "shared-dlq"}, "maxReceiveCount": 3}}),
            "AWS::SQS::Queue Broken of stack broken: property RedrivePolicy: cannot resolve",
        ),
        (
            {"Type": "AWS::SNS::Subscription", "Properties": {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:x"}},
            "cannot create AWS::SNS::Subscription Broken of stack broken locally: missing or malformed property",
        ),
        (
            {"Type": "AWS::DynamoDB::Table", "Properties": {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
            "creating AWS::DynamoDB::Table Broken of stack broken locally failed",
        ),
    ],
)
def test_resource_it_cannot_create(tmp_path: Path, resource: dict[str, Any], message: str) -> None:
    port = free_port()
    expect_error(run_once(write_template(tmp_path, "broken", {"Broken": resource}), port=port), message)
    assert port_is_free(port)


def test_table_with_other_keys_on_a_reused_server(tmp_path: Path, cdk_template: Path) -> None:
    port = free_port()
    with serving(cdk_template, port=port):
        changed = json.loads(json.dumps(CDK_STACK))
        changed["Resources"]["TableCD117FA1"]["Properties"]["GlobalSecondaryIndexes"][0]["IndexName"] = "ByEmail"
        changed_dir = tmp_path / "changed"
        changed_dir.mkdir()
        template = write_template(changed_dir, "my-service", changed["Resources"])
        expect_error(
            run_once(template, port=port),
            "table my-service-tablecd117fa1 on the local AWS has other keys or indexes than the template",
        )


def test_port_taken_by_something_else(cdk_template: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        expect_error(
            run_once(cdk_template, port=port),
            f"port {port} is in use by something that is not a moto server; choose another LOCAL_AWS_PORT",
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_port_it_cannot_listen_on(cdk_template: Path) -> None:
    """Bound but not listening: nothing answers, yet moto cannot take it (its start() would wait forever)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        expect_error(run_once(cdk_template, port=port), f"cannot listen on 127.0.0.1 port {port}", "LOCAL_AWS_PORT")


def test_host_must_be_loopback(cdk_template: Path) -> None:
    result = subprocess.run(
        command(cdk_template, port=free_port(), host="0.0.0.0"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    expect_error(result, "--host 0.0.0.0 is not a loopback address")


def test_runs_on_python_39() -> None:
    """The macOS system Python is 3.9: no syntax of later versions (match, parenthesized with...)."""
    source = SCRIPT.read_text()
    ast.parse(source, feature_version=(3, 9))
    assert "from __future__ import annotations" in source
