"""A local AWS for this project's functions: a moto server holding the resources the CDK app defines.

The Makefile runs it with the Python of the moto venv it installs (tools/pytools/install.py) for
`make dev AWS=local` and `make invoke FN=... AWS=local`, and in a terminal for `make local-aws`:

    $PYTHON_TOOLS_DIR/moto-<version>/bin/python tools/localaws/localaws.py \
        --template infrastructure/cdk.out/my-service.template.json [--template ...] [--port 4566]

It reads the CloudFormation templates `make synth` writes, starts a moto server on 127.0.0.1 (or
reuses the moto server already listening there), creates in it the data resources of the
templates (tables, buckets, queues, topics and their SQS subscriptions, secrets, parameters,
streams, event buses, user pools and their app clients) under deterministic local names, and
prints ONE line of JSON on stdout:

    {"endpoint": "http://127.0.0.1:4566", "region": "us-east-1",
     "functions": {"ApiFunction": {"env": {"TABLE_NAME": "my-service-tablecd117fa1"}, "memory": 1024, "timeout": 30}}}

that is, each function (by its CDK construct id) with its environment variables resolved to the
local resources. The Go runner (tools/localrun) reads that line and runs the functions against the
endpoint. A server this process started serves until stdin closes (the runner exited) or SIGINT or
SIGTERM arrives; one it reused keeps running. Creating is idempotent: running again against the
same server keeps the data. It never talks to real AWS: every client has dummy credentials and the
loopback endpoint. Runs on Python 3.9 (the macOS system Python) and later.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import ipaddress
import json
import logging
import os
import re
import secrets
import signal
import socket
import string
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import triggers  # beside this file: Python puts a script's directory first on sys.path

RUN_WITH_MOTO_VENV = "run it with the Makefile's moto venv ($PYTHON_TOOLS_DIR/moto-<version>/bin/python)"

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # not the moto venv's Python: main() says so
    boto3 = None

DEFAULT_MEMORY = 128  # MB, Lambda's default
DEFAULT_TIMEOUT = 3  # seconds, Lambda's default
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class LocalAwsError(Exception):
    """An expected failure: main() prints it as one line on stderr and exits 1."""


class Unresolvable(Exception):
    """An expression that cannot be evaluated locally; the caller adds where it was."""


@dataclass
class Stack:
    """One synthesized template: `<stack>.template.json`."""

    name: str
    resources: dict[str, dict[str, Any]]
    parameters: dict[str, Any]


@dataclass
class Created:
    """A resource created on the local AWS, as CloudFormation references see it."""

    kind: str  # for the summary: "table", "queue"...
    name: str  # its local name
    ref: str  # what Ref gives
    attrs: dict[str, str] = field(default_factory=dict)  # what Fn::GetAtt gives


@dataclass
class Aws:
    """Clients of the local AWS: dummy credentials and the loopback endpoint, never real AWS."""

    endpoint: str
    region: str
    account: str = ""
    session: Any = None
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if self.session is None:
            self.session = boto3.session.Session(
                aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
            )
        if service not in self.clients:
            self.clients[service] = self.session.client(
                service,
                endpoint_url=self.endpoint,
                config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}),
            )
        return self.clients[service]


# --- CloudFormation expressions ---------------------------------------------------------------


class Resolver:
    """Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split and Fn::Sub over one stack's local resources."""

    def __init__(self, stack: Stack, aws: Aws, created: dict[str, Created]) -> None:
        self.stack = stack
        self.created = created
        self.pseudo = {
            "AWS::Region": aws.region,
            "AWS::AccountId": aws.account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack.name,
        }
        self.intrinsics: dict[str, Callable[[Any], Any]] = {
            "Ref": self.ref,
            "Fn::GetAtt": self.get_att,
            "Fn::Join": self.join,
            "Fn::Select": self.select,
            "Fn::Split": self.split,
            "Fn::Sub": self.sub,
        }

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, args),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                if key not in self.intrinsics:
                    raise Unresolvable(f"{key} is not supported locally")
                try:
                    return self.intrinsics[key](args)
                except (TypeError, ValueError, IndexError, KeyError, AttributeError):
                    raise Unresolvable(f"malformed {key}") from None
        return {key: self.resolve(item) for key, item in value.items()}

    def ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name not in self.created:
            raise Unresolvable(self.not_created(name))
        return self.created[name].ref

    def get_att(self, args: Any) -> str:
        logical_id, attribute = args.split(".", 1) if isinstance(args, str) else self.resolve(args)
        if logical_id not in self.created:
            raise Unresolvable(self.not_created(logical_id))
        attrs = self.created[logical_id].attrs
        if attribute not in attrs:
            known = ", ".join(attrs) or "none"
            raise Unresolvable(f"{logical_id} has no attribute {attribute} locally (it has: {known})")
        return attrs[attribute]

    def join(self, args: list[Any]) -> str:
        delimiter, items = args
        return delimiter.join(text(item) for item in self.resolve(items))

    def select(self, args: list[Any]) -> Any:
        index, items = self.resolve(args)
        return items[int(index)]

    def split(self, args: list[Any]) -> list[str]:
        delimiter, source = args
        return text(self.resolve(source)).split(delimiter)

    def sub(self, args: Any) -> str:
        template, variables = (args, {}) if isinstance(args, str) else (args[0], self.resolve(args[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return text(variables[name])
            return self.get_att(name) if "." in name else self.ref(name)

        return SUB_VARIABLE.sub(replace, template)

    def not_created(self, name: str) -> str:
        if name in self.stack.parameters:
            return f"{name} is a template parameter, which the local AWS does not take"
        resource_type = self.stack.resources.get(name, {}).get("Type")
        if resource_type is None:
            return f"{name} is not a resource of stack {self.stack.name}"
        if resource_type in RESOURCE_TYPES:
            return f"{name} ({resource_type}) is not created locally"
        return f"{name} is an {resource_type}, which the local AWS does not create"


def references(value: Any) -> Iterator[str]:
    """The logical ids an expression refers to (Ref, Fn::GetAtt, Fn::Sub): what must be created first."""
    if isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        for key, args in value.items():
            if key == "Ref" and isinstance(args, str):
                yield args
            elif key == "Fn::GetAtt" and isinstance(args, (str, list)) and args:
                yield args.split(".")[0] if isinstance(args, str) else str(args[0])
            elif key == "Fn::Sub":
                template = args if isinstance(args, str) else args[0]
                for name in SUB_VARIABLE.findall(str(template)):
                    yield name.split(".")[0]
            yield from references(args)


def text(value: Any) -> str:
    """A resolved scalar as CloudFormation turns it into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise Unresolvable(f"{json.dumps(value)} is not a string")


def attribute_text(value: Any) -> str:
    """A property as an SQS, SNS or SSM attribute value: JSON for policies, strings for the rest."""
    return json.dumps(value) if isinstance(value, (dict, list)) else text(value)


def shown(expression: Any) -> str:
    """An expression for an error message."""
    dumped = json.dumps(expression)
    return dumped if len(dumped) <= 200 else dumped[:197] + "..."


# --- Resources --------------------------------------------------------------------------------


@dataclass
class Resource:
    """A template resource as its create function sees it: properties resolved on demand."""

    stack: str
    logical_id: str
    type: str
    properties: dict[str, Any]
    resolver: Resolver

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self.properties:
            return default
        try:
            return self.resolver.resolve(self.properties[key])
        except Unresolvable as error:
            raise LocalAwsError(
                f"{self.type} {self.logical_id} of stack {self.stack}: property {key}: "
                f"cannot resolve {shown(self.properties[key])}: {error}"
            ) from None

    def name(self, key: str, max_length: int, suffix: str = "") -> str:
        """The name the template sets, else one derived from the stack and the logical id."""
        return text(self.get(key) or local_name(self.stack, self.logical_id, max_length, suffix))


def local_name(stack: str, logical_id: str, max_length: int, suffix: str = "") -> str:
    """`<stack>-<logical id>` in lower case: deterministic, valid for every service here (letters,
    digits, hyphens) and within max_length with its suffix, a hash keeping shortened names apart."""
    name = re.sub(r"[^a-z0-9-]+", "-", f"{stack}-{logical_id}".lower()).strip("-")
    room = max_length - len(suffix)
    if len(name) > room:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = name[: room - len(digest) - 1].rstrip("-") + "-" + digest
    return name + suffix


@contextlib.contextmanager
def already_exists(*codes: str) -> Iterator[None]:
    """Lets a create call fail because the resource is already there: creating is idempotent."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in codes:
            raise


def is_true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def create_table(aws: Aws, res: Resource) -> Created:
    """AWS::DynamoDB::Table and ::GlobalTable: keys, indexes, stream and TTL, on demand; replicas dropped."""
    name = res.name("TableName", 255)
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": res.get("KeySchema"),
        "AttributeDefinitions": res.get("AttributeDefinitions"),
        "BillingMode": "PAY_PER_REQUEST",
    }
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = res.get(key)
        if indexes:
            request[key] = [
                {
                    "IndexName": index["IndexName"],
                    "KeySchema": index["KeySchema"],
                    "Projection": index.get("Projection", {"ProjectionType": "ALL"}),
                }
                for index in indexes
            ]
    view_type = (res.get("StreamSpecification") or {}).get("StreamViewType")
    if view_type:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    dynamodb = aws.client("dynamodb")
    with already_exists("ResourceInUseException"):
        dynamodb.create_table(**request)
    table = dynamodb.describe_table(TableName=name)["Table"]
    if table_shape(table) != table_shape(request):
        raise LocalAwsError(
            f"table {name} on the local AWS has other keys or indexes than the template: stop the local AWS "
            "(it keeps its data in memory) and run again"
        )
    ttl = res.get("TimeToLiveSpecification") or {}
    if is_true(ttl.get("Enabled")):
        # Like the deployed table's: items past their expiration go (code checks expiry too).
        with already_exists("ValidationException"):
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
    attrs = {"Arn": table["TableArn"]}
    if "LatestStreamArn" in table:
        attrs["StreamArn"] = table["LatestStreamArn"]
    return Created("table", name, name, attrs)


def table_shape(table: dict[str, Any]) -> tuple[Any, ...]:
    """What code relies on in a table: its key schema and its index names."""
    keys = sorted((key["AttributeName"], key["KeyType"]) for key in table["KeySchema"])
    indexes = [
        sorted(index["IndexName"] for index in table.get(kind, []))
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
    ]
    return (keys, *indexes)


def create_bucket(aws: Aws, res: Resource) -> Created:
    """AWS::S3::Bucket with its versioning; encryption, lifecycle, logging and policies dropped."""
    name = res.name("BucketName", 63)
    s3 = aws.client("s3")
    request: dict[str, Any] = {"Bucket": name}
    if aws.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
    with already_exists("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
        s3.create_bucket(**request)
    status = (res.get("VersioningConfiguration") or {}).get("Status")
    if status:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
    return Created("bucket", name, name, {"Arn": f"arn:aws:s3:::{name}"})


QUEUE_ATTRIBUTES = (
    "VisibilityTimeout MessageRetentionPeriod DelaySeconds MaximumMessageSize ReceiveMessageWaitTimeSeconds "
    "RedrivePolicy RedriveAllowPolicy".split()
)
FIFO_QUEUE_ATTRIBUTES = "FifoQueue ContentBasedDeduplication DeduplicationScope FifoThroughputLimit".split()


def create_queue(aws: Aws, res: Resource) -> Created:
    """AWS::SQS::Queue: FIFO, timeouts, retention and redrive (its DLQ is created first); KMS dropped."""
    fifo = is_true(res.get("FifoQueue"))
    keys = QUEUE_ATTRIBUTES + (FIFO_QUEUE_ATTRIBUTES if fifo else [])
    attributes = {key: attribute_text(res.get(key)) for key in keys if key in res.properties}
    name = res.name("QueueName", 80, ".fifo" if fifo else "")
    sqs = aws.client("sqs")
    try:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("QueueAlreadyExists", "QueueNameExists"):
            raise
        # There from an earlier run with other attributes: the template's win, the messages stay.
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes.pop("FifoQueue", None)
        if attributes:
            sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Created("queue", name, url, {"Arn": arn, "QueueName": name, "QueueUrl": url})


def create_topic(aws: Aws, res: Resource) -> Created:
    """AWS::SNS::Topic, standard or FIFO; display name, KMS and policies dropped."""
    fifo = is_true(res.get("FifoTopic"))
    attributes = {"FifoTopic": "true"} if fifo else {}
    if fifo and "ContentBasedDeduplication" in res.properties:
        attributes["ContentBasedDeduplication"] = attribute_text(res.get("ContentBasedDeduplication"))
    name = res.name("TopicName", 256, ".fifo" if fifo else "")
    arn = aws.client("sns").create_topic(Name=name, Attributes=attributes)["TopicArn"]
    return Created("topic", name, arn, {"TopicArn": arn, "TopicName": name})


SUBSCRIPTION_ATTRIBUTES = "RawMessageDelivery FilterPolicy FilterPolicyScope RedrivePolicy".split()


def create_subscription(aws: Aws, res: Resource) -> Created | None:
    """AWS::SNS::Subscription of an SQS queue; other protocols (lambda, email...) are not created."""
    if res.get("Protocol") != "sqs":
        return None
    topic_arn, queue_arn = text(res.get("TopicArn")), text(res.get("Endpoint"))
    sns = aws.client("sns")
    # SNS returns the existing subscription for the same topic, protocol and endpoint.
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    for key in SUBSCRIPTION_ATTRIBUTES:
        if key in res.properties:
            value = attribute_text(res.get(key))
            sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=key, AttributeValue=value)
    name = f"{topic_arn.rsplit(':', 1)[-1]} -> {queue_arn.rsplit(':', 1)[-1]}"
    return Created("subscription", name, arn)


PASSWORD_CHARACTERS = {
    "ExcludeLowercase": string.ascii_lowercase,
    "ExcludeUppercase": string.ascii_uppercase,
    "ExcludeNumbers": string.digits,
    "ExcludePunctuation": string.punctuation,
}


def secret_string(res: Resource) -> str:
    """The template's SecretString, else a value generated like GenerateSecretString would."""
    value = res.get("SecretString")
    if value is not None:
        return attribute_text(value)
    spec = res.get("GenerateSecretString") or {}
    excluded = set(text(spec.get("ExcludeCharacters", "")))
    groups = [chars for flag, chars in PASSWORD_CHARACTERS.items() if not is_true(spec.get(flag))]
    if is_true(spec.get("IncludeSpace")):
        groups.append(" ")
    alphabet = [char for chars in groups for char in chars if char not in excluded]
    if not alphabet:
        raise LocalAwsError(
            f"secret {res.logical_id} of stack {res.stack}: GenerateSecretString excludes every character"
        )
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template and key:
        return json.dumps({**json.loads(template), key: password})
    return password


def create_secret(aws: Aws, res: Resource) -> Created:
    """AWS::SecretsManager::Secret; a secret already there keeps its value (put-secret-value survives)."""
    name = res.name("Name", 512)
    secretsmanager = aws.client("secretsmanager")
    with already_exists("ResourceExistsException"):
        secretsmanager.create_secret(Name=name, SecretString=secret_string(res))
    arn = secretsmanager.describe_secret(SecretId=name)["ARN"]
    return Created("secret", name, arn, {"Id": arn})


def create_parameter(aws: Aws, res: Resource) -> Created:
    """AWS::SSM::Parameter; a parameter already there keeps its value (put-parameter --overwrite survives)."""
    name = res.name("Name", 1011)
    kind, value = text(res.get("Type", "String")), attribute_text(res.get("Value"))
    with already_exists("ParameterAlreadyExists"):
        aws.client("ssm").put_parameter(Name=name, Value=value, Type=kind)
    return Created("parameter", name, name, {"Type": kind, "Value": value})


def create_stream(aws: Aws, res: Resource) -> Created:
    """AWS::Kinesis::Stream with its shard count; on demand is one shard locally."""
    name = res.name("Name", 128)
    on_demand = (res.get("StreamModeDetails") or {}).get("StreamMode") == "ON_DEMAND"
    shards = 1 if on_demand else int(res.get("ShardCount", 1))
    kinesis = aws.client("kinesis")
    with already_exists("ResourceInUseException"):
        kinesis.create_stream(StreamName=name, ShardCount=shards)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    return Created("stream", name, name, {"Arn": arn})


def create_event_bus(aws: Aws, res: Resource) -> Created:
    """AWS::Events::EventBus, a custom bus; its policy, KMS key and dead-letter queue dropped. Rules
    (AWS::Events::Rule) are not created: the stack's rules target its functions, which moto cannot invoke."""
    name = res.name("Name", 256)
    events = aws.client("events")
    with already_exists("ResourceAlreadyExistsException"):
        events.create_event_bus(Name=name)
    arn = events.describe_event_bus(Name=name)["Arn"]
    return Created("event bus", name, name, {"Arn": arn, "Name": name})


def create_user_pool(aws: Aws, res: Resource) -> Created:
    """AWS::Cognito::UserPool, found by name or created with it alone: the users it holds are the
    local AWS's, and the authorizer functions, which reference it, verify localrun's tokens
    locally (make invoke and make dev give them localrun's issuer)."""
    name = res.name("UserPoolName", 128)
    cognito = aws.client("cognito-idp")
    pools = cognito.get_paginator("list_user_pools").paginate(MaxResults=60)
    found = [pool["Id"] for page in pools for pool in page["UserPools"] if pool["Name"] == name]
    pool_id = found[0] if found else cognito.create_user_pool(PoolName=name)["UserPool"]["Id"]
    provider = f"cognito-idp.{aws.region}.amazonaws.com/{pool_id}"
    arn = f"arn:aws:cognito-idp:{aws.region}:{aws.account}:userpool/{pool_id}"
    attrs = {"Arn": arn, "ProviderName": provider, "ProviderURL": f"https://{provider}"}
    return Created("user pool", name, pool_id, attrs)


def create_user_pool_client(aws: Aws, res: Resource) -> Created:
    """AWS::Cognito::UserPoolClient of a user pool created here, found by name or created."""
    pool_id = text(res.get("UserPoolId"))
    name = res.name("ClientName", 128)
    cognito = aws.client("cognito-idp")
    clients = cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60)
    found = [c["ClientId"] for page in clients for c in page["UserPoolClients"] if c["ClientName"] == name]
    if found:
        client_id = found[0]
    else:
        client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=name)["UserPoolClient"]["ClientId"]
    return Created("user pool client", name, client_id, {"ClientId": client_id, "Name": name})


# The resource types created locally; every other type (IAM, Lambda, API Gateway, logs, KMS...) is ignored.
RESOURCE_TYPES: dict[str, Callable[[Aws, Resource], Created | None]] = {
    "AWS::DynamoDB::Table": create_table,
    "AWS::DynamoDB::GlobalTable": create_table,
    "AWS::S3::Bucket": create_bucket,
    "AWS::SQS::Queue": create_queue,
    "AWS::SNS::Topic": create_topic,
    "AWS::SNS::Subscription": create_subscription,
    "AWS::SecretsManager::Secret": create_secret,
    "AWS::SSM::Parameter": create_parameter,
    "AWS::Kinesis::Stream": create_stream,
    "AWS::Events::EventBus": create_event_bus,
    "AWS::Cognito::UserPool": create_user_pool,
    "AWS::Cognito::UserPoolClient": create_user_pool_client,
}


def creation_order(graph: dict[str, set[str]]) -> list[str]:
    """Template order, each resource after those it refers to: the same order on every run."""
    position = {key: index for index, key in enumerate(graph)}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        order.extend(ready)
        sorter.done(*ready)
    return order


def create_resources(aws: Aws, resolver: Resolver) -> None:
    """Creates the stack's supported resources into resolver.created, each after those it refers to
    (a queue after its dead-letter queue, a subscription after its topic and queue)."""
    stack = resolver.stack
    supported = {key: value for key, value in stack.resources.items() if value.get("Type") in RESOURCE_TYPES}
    graph = {
        key: {ref for ref in references(value.get("Properties")) if ref in supported and ref != key}
        for key, value in supported.items()
    }
    try:
        order = creation_order(graph)
    except CycleError as error:
        raise LocalAwsError(f"stack {stack.name}: resources refer to each other in a cycle: {error.args[1]}") from None
    for logical_id in order:
        resource_type = supported[logical_id]["Type"]
        properties = supported[logical_id].get("Properties") or {}
        res = Resource(stack.name, logical_id, resource_type, properties, resolver)
        try:
            created = RESOURCE_TYPES[resource_type](aws, res)
        except (ClientError, BotoCoreError) as error:
            raise LocalAwsError(
                f"creating {resource_type} {logical_id} of stack {stack.name} locally failed: {error}"
            ) from None
        except (Unresolvable, KeyError, TypeError, ValueError) as error:
            raise LocalAwsError(
                f"cannot create {resource_type} {logical_id} of stack {stack.name} locally: "
                f"missing or malformed property ({error!r})"
            ) from None
        if created is not None:
            resolver.created[logical_id] = created


# --- Functions --------------------------------------------------------------------------------


def construct_id(stack: Stack, logical_id: str, resource: dict[str, Any]) -> str:
    """The function's CDK construct id: `my-service/ApiFunction/Resource` gives ApiFunction."""
    parts = str(resource.get("Metadata", {}).get("aws:cdk:path", "")).split("/")
    after = parts.index(stack.name) + 1 if stack.name in parts else 1
    return parts[after] if len(parts) > after and parts[after] else logical_id


def functions_of(resolver: Resolver) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(construct id, logical id, settings) of every function of the resolver's stack that can run
    locally. CDK's own custom-resource handlers (a Node.js or Python runtime, not the project's
    OS-only `provided.*` one) never do, and their variables may name what only AWS has."""
    for logical_id, resource in resolver.stack.resources.items():
        runtime = str((resource.get("Properties") or {}).get("Runtime", "provided"))
        if resource.get("Type") == "AWS::Lambda::Function" and runtime.startswith("provided"):
            key = construct_id(resolver.stack, logical_id, resource)
            yield key, logical_id, function_settings(resolver, key, resource.get("Properties") or {})


def function_settings(resolver: Resolver, key: str, props: dict[str, Any]) -> dict[str, Any]:
    """A function's environment, resolved to the local resources, its memory and its timeout."""

    def resolved(label: str, expression: Any, convert: Callable[[Any], Any]) -> Any:
        try:
            return convert(resolver.resolve(expression))
        except (Unresolvable, ValueError, TypeError) as error:
            raise LocalAwsError(
                f"function {key} of stack {resolver.stack.name}: {label}: cannot resolve {shown(expression)}: {error}"
            ) from None

    variables = (props.get("Environment") or {}).get("Variables") or {}
    if not isinstance(variables, dict):
        raise LocalAwsError(f"function {key} of stack {resolver.stack.name}: Environment.Variables is not an object")
    return {
        "env": {name: resolved(f"environment variable {name}", value, text) for name, value in variables.items()},
        "memory": resolved("MemorySize", props.get("MemorySize", DEFAULT_MEMORY), int),
        "timeout": resolved("Timeout", props.get("Timeout", DEFAULT_TIMEOUT), int),
    }


# --- Templates and the server -----------------------------------------------------------------


def load_stack(path: Path) -> Stack:
    if not path.is_file():
        raise LocalAwsError(f"{path} not found: run make synth first")
    try:
        template = json.loads(path.read_text(encoding="utf-8"))
        resources, parameters = template.get("Resources") or {}, template.get("Parameters") or {}
        if not isinstance(resources, dict) or not all(isinstance(value, dict) for value in resources.values()):
            raise ValueError("Resources is not an object of resources")
    except (OSError, ValueError, AttributeError) as error:
        raise LocalAwsError(f"{path} is not a CloudFormation template ({error}): run make synth again") from None
    name = path.name[: -len(".template.json")] if path.name.endswith(".template.json") else path.stem
    return Stack(name, resources, parameters)


def isolate_from_real_aws() -> None:
    """No profile, credential chain, endpoint override or proxy can send a request anywhere but the local endpoint."""
    for variable in list(os.environ):
        upper = variable.upper()
        if (upper.startswith("AWS_") and upper not in ("AWS_REGION", "AWS_DEFAULT_REGION")) or upper.endswith("_PROXY"):
            del os.environ[variable]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )


def loopback(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise LocalAwsError(f"--host {host} is not a loopback address: the local AWS listens on 127.0.0.1 only")
    return address


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def is_moto(endpoint: str) -> bool:
    """Whether the server at endpoint answers moto's own API."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{endpoint}/moto-api/data.json", timeout=5) as response:
            return isinstance(json.load(response), dict)
    except (OSError, ValueError, http.client.HTTPException):
        return False


def start_moto(address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> Any:
    """A moto server in this process, on address only."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise LocalAwsError(f"moto is not installed for this Python: {RUN_WITH_MOTO_VENV}") from None
    # ThreadedMotoServer.start() waits forever when it cannot listen: find out first.
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((str(address), port))
        except OSError as error:
            raise LocalAwsError(
                f"cannot listen on {address} port {port} ({error.strerror}): choose another LOCAL_AWS_PORT"
            ) from None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on stderr
    server = ThreadedMotoServer(ip_address=str(address), port=port, verbose=False)
    server.start()
    return server


def interrupt(signum: int, frame: Any) -> None:
    """The first SIGINT (Ctrl-C) or SIGTERM stops the server. Later ones are ignored, so that at
    most one KeyboardInterrupt is ever raised and stopping is never interrupted."""
    ignore_signals()
    raise KeyboardInterrupt


def wait_for_eof() -> None:
    """Returns when stdin reaches EOF (the Go runner exited); a signal interrupts it."""
    try:
        while os.read(0, 65536):
            pass
    except OSError:
        pass


def ignore_signals() -> None:
    """Once stopping: a second Ctrl-C must not interrupt it with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--template", action="append", required=True, type=Path, help="a synthesized <stack>.template.json (repeatable)"
    )
    parser.add_argument("--port", type=int, default=4566, help="the local AWS port (default 4566)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    return parser.parse_args(argv)


def set_up(
    aws: Aws, stacks: list[Stack], with_triggers: bool = False
) -> tuple[dict[str, Any], list[Created], list[Any]]:
    """Creates every stack's resources; returns the functions' settings, what was created, and,
    with_triggers, the triggers of the functions (triggers.py) for make dev to route events."""
    aws.account = aws.client("sts").get_caller_identity()["Account"]
    functions: dict[str, Any] = {}
    created: list[Created] = []
    found: list[Any] = []
    for stack in stacks:
        resolver = Resolver(stack, aws, {})
        create_resources(aws, resolver)
        created.extend(resolver.created.values())
        keys: dict[str, str] = {}  # logical id -> the key localrun knows the function by
        for key, logical_id, settings in functions_of(resolver):
            # Two functions under one construct id (in two stacks, or in one construct): the logical id.
            free = next(name for name in (key, logical_id, f"{stack.name}/{logical_id}") if name not in functions)
            functions[free] = settings
            keys[logical_id] = free
        if with_triggers:
            found += triggers.find_triggers(aws, resolver, keys, lambda suffix, s=stack.name: local_name(s, suffix, 80))
    return functions, created, found


def start_local_aws(host: str, port: int) -> tuple[str, Any]:
    """The endpoint, and the moto server started in this process (None when one was already listening)."""
    address = loopback(host)
    endpoint = f"http://{address if address.version == 4 else f'[{address}]'}:{port}"
    if not listening(str(address), port):
        return endpoint, start_moto(address, port)
    if not is_moto(endpoint):
        raise LocalAwsError(
            f"port {port} is in use by something that is not a moto server; choose another LOCAL_AWS_PORT"
        )
    return endpoint, None


def fail(message: str, server: Any = None) -> int:
    print(message, file=sys.stderr, flush=True)
    if server is not None:
        server.stop()
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Explicit for SIGINT too: a process started in the background may inherit it ignored.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        stacks = [load_stack(path) for path in args.template]
    except LocalAwsError as error:
        return fail(str(error))
    if boto3 is None:
        return fail(f"boto3 is not installed for this Python: {RUN_WITH_MOTO_VENV}")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    isolate_from_real_aws()
    server = None
    invoke_url = os.environ.get(triggers.INVOKE_URL_VARIABLE, "")
    try:
        endpoint, server = start_local_aws(args.host, args.port)
        aws = Aws(endpoint, region)
        functions, created, found = set_up(aws, stacks, with_triggers=bool(invoke_url))
        triggers.start_at_latest(aws, found)
    except LocalAwsError as error:
        return fail(str(error), server)
    except (ClientError, BotoCoreError) as error:
        return fail(f"the local AWS failed: {error}", server)
    except KeyboardInterrupt:
        return fail("interrupted", server)
    try:
        print(json.dumps({"endpoint": endpoint, "region": region, "functions": functions}), flush=True)
        resources = ", ".join(f"{item.kind} {item.name}" for item in created) or "no resources"
        how = "started" if server else "reused"
        print(f"local AWS on {endpoint} ({how}): {resources}", file=sys.stderr, flush=True)
        stop = threading.Event()
        if found:
            triggers.start(aws, found, invoke_url, stop)
            print(triggers.describe(found), file=sys.stderr, flush=True)
        if server is not None or found:
            wait_for_eof()
        stop.set()
    except KeyboardInterrupt:
        pass
    ignore_signals()
    if server is not None:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
