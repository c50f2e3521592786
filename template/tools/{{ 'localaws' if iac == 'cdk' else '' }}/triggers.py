"""The triggers of the stack's functions, played on the local AWS: `make dev AWS=local` runs them.

localaws.py finds them in the synthesized templates and, when make dev serves Lambda's Invoke API
(LOCALRUN_INVOKE_URL), runs one poller thread per trigger, each invoking its function with the
event AWS would send and acting on the response as AWS would:

- SQS event source mapping: batches of the queue's messages; the messages reported in
  batchItemFailures (or all, when the invocation fails) come back after RETRY_DELAY seconds, and
  the queue's redrive policy moves a message received maxReceiveCount times to its dead-letter
  queue (moto does); the others are deleted.
- DynamoDB stream and Kinesis event source mappings: batches of the shard's new records; after a
  failure, the batch is retried from the first failed record, MaximumRetryAttempts times, and
  then its description goes to the mapping's on-failure queue, as in AWS.
- SNS subscriptions, S3 notifications and EventBridge rules of a function: the local AWS delivers
  to a queue of ours instead (moto cannot invoke the project's functions), which is polled; each
  notification or event is one asynchronous invocation, retried twice, then sent to the
  function's on-failure queue (its EventInvokeConfig), as in AWS.

Not played: schedules (use make invoke), Lambda's own retry delays and concurrency (a function
takes one invocation at a time), and filters of event source mappings.
"""

from __future__ import annotations

import base64
import datetime
import json
import sys
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

INVOKE_URL_VARIABLE = "LOCALRUN_INVOKE_URL"  # set by make dev (tools/localrun/localaws.go)
RETRY_DELAY = 2  # seconds before a failed SQS message comes back locally (the visibility timeout in AWS)
ASYNC_RETRIES = 2  # Lambda's retries of a failed asynchronous invocation
POLL_WAIT = 1  # seconds a poll waits for messages or records
INVOKE_TIMEOUT = 960  # seconds: longer than any function's timeout (900 at most)


@dataclass
class Trigger:
    """One way events reach one function: what to poll, and how to turn it into the function's event."""

    function: str  # the function's CDK construct id, as localrun knows it
    kind: str  # sqs, dynamodb, kinesis (event source mappings); sns, s3, events (notifications to our queue)
    source: str  # the queue URL, or the stream ARN
    label: str  # for the log: "queue my-service-queue"
    source_arn: str = ""  # the queue's or stream's ARN, or the topic's for sns
    batch_size: int = 10
    retry_attempts: int = -1  # streams: retries of a failed batch; -1: until the records expire
    on_failure: str = ""  # the queue URL failures go to (streams; asynchronous invocations)
    subscription_arn: str = ""  # sns: the subscription's ARN, as the event carries it
    region: str = "us-east-1"
    shards: dict[str, str] = field(default_factory=dict)  # streams: shard id -> iterator


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Finding the triggers in a template -------------------------------------------------------


def find_triggers(aws: Any, resolver: Any, functions: dict[str, str], name_for: Callable[[str], str]) -> list[Trigger]:
    """The triggers of the resolver's stack; `functions` maps a function's logical id to its key,
    `name_for(suffix)` gives the local name of a queue this module creates."""
    resources = resolver.stack.resources
    functions = {**functions, **aliases_of(resources, functions)}
    on_failure = async_failure_queues(aws, resolver, functions)
    triggers: list[Trigger] = []
    for logical_id, resource in resources.items():
        props = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind == "AWS::Lambda::EventSourceMapping":
            trigger = mapping_trigger(aws, resolver, props, functions)
        elif kind == "AWS::SNS::Subscription" and props.get("Protocol") == "lambda":
            trigger = subscription_trigger(aws, resolver, logical_id, props, functions, name_for)
        elif kind == "Custom::S3BucketNotifications":
            triggers += bucket_triggers(aws, resolver, logical_id, props, functions, name_for)
            continue
        elif kind == "AWS::Events::Rule" and props.get("EventPattern"):
            triggers += rule_triggers(aws, resolver, logical_id, props, functions, name_for)
            continue
        else:
            continue
        if trigger is not None:
            triggers.append(trigger)
    for trigger in triggers:
        trigger.region = aws.region
        if trigger.kind in ("sns", "s3", "events"):
            trigger.on_failure = on_failure.get(trigger.function, "")
    return triggers


def aliases_of(resources: dict[str, Any], functions: dict[str, str]) -> dict[str, str]:
    """Each alias (the `live` alias every trigger invokes) as the function it belongs to: locally
    there are no versions, so a trigger of the alias runs the function."""
    aliases = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") == "AWS::Lambda::Alias":
            function = function_of((resource.get("Properties") or {}).get("FunctionName"), functions)
            if function is not None:
                aliases[logical_id] = function
    return aliases


def function_of(value: Any, functions: dict[str, str]) -> str | None:
    """The key of the function a template expression points at: Ref, Fn::GetAtt ... Arn, or an
    expression built from one (an alias's qualified name: Fn::Join of Fn::Select of its Ref)."""
    if isinstance(value, list):
        return next((found for item in value if (found := function_of(item, functions)) is not None), None)
    if not isinstance(value, dict):
        return None
    for key, args in value.items():
        if key == "Ref" and isinstance(args, str) and args in functions:
            return functions[args]
        if key == "Fn::GetAtt" and isinstance(args, list) and args and str(args[0]) in functions:
            return functions[str(args[0])]
        if key.startswith("Fn::") and (found := function_of(args, functions)) is not None:
            return found
    return None


def queue_url(aws: Any, arn: str) -> str:
    return aws.client("sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]


def mapping_trigger(aws: Any, resolver: Any, props: dict[str, Any], functions: dict[str, str]) -> Trigger | None:
    function = function_of(props.get("FunctionName"), functions)
    if function is None:
        return None
    arn = str(resolver.resolve(props["EventSourceArn"]))
    batch_size = int(props.get("BatchSize", 10))
    failure = (((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")) or ""
    failure_url = queue_url(aws, str(resolver.resolve(failure))) if failure else ""
    retries = int(props.get("MaximumRetryAttempts", -1))
    if arn.startswith("arn:aws:sqs:"):
        name = arn.rsplit(":", 1)[-1]
        return Trigger(function, "sqs", queue_url(aws, arn), f"queue {name}", arn, batch_size)
    if ":dynamodb:" in arn:
        table = arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
        return Trigger(function, "dynamodb", arn, f"the stream of table {table}", arn, batch_size, retries, failure_url)
    if ":kinesis:" in arn:
        stream = arn.rsplit("/", 1)[-1]
        return Trigger(function, "kinesis", arn, f"stream {stream}", arn, batch_size, retries, failure_url)
    return None


def our_queue(aws: Any, name: str) -> tuple[str, str]:
    """A queue of this module's, where the local AWS delivers in the function's place: URL, ARN."""
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def subscription_trigger(
    aws: Any, resolver: Any, logical_id: str, props: dict[str, Any], functions: dict[str, str], name_for: Any
) -> Trigger | None:
    function = function_of(props.get("Endpoint"), functions)
    if function is None:
        return None
    topic = str(resolver.resolve(props["TopicArn"]))
    url, arn = our_queue(aws, name_for(f"{logical_id}-sns"))
    subscription = aws.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
    label = f"topic {topic.rsplit(':', 1)[-1]}"
    return Trigger(function, "sns", url, label, topic, 1, subscription_arn=subscription["SubscriptionArn"])


def bucket_triggers(
    aws: Any, resolver: Any, logical_id: str, props: dict[str, Any], functions: dict[str, str], name_for: Any
) -> list[Trigger]:
    bucket = str(resolver.resolve(props["BucketName"]))
    triggers, configurations = [], []
    notifications = (props.get("NotificationConfiguration") or {}).get("LambdaFunctionConfigurations", [])
    for index, config in enumerate(notifications):
        function = function_of(config.get("LambdaFunctionArn"), functions)
        if function is None:
            continue
        url, arn = our_queue(aws, name_for(f"{logical_id}-{index}-s3"))
        filters = {"Filter": config["Filter"]} if "Filter" in config else {}
        configurations.append({"QueueArn": arn, "Events": config["Events"], **filters})
        triggers.append(Trigger(function, "s3", url, f"bucket {bucket}", batch_size=1))
    if configurations:
        aws.client("s3").put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configurations}
        )
    return triggers


def rule_triggers(
    aws: Any, resolver: Any, logical_id: str, props: dict[str, Any], functions: dict[str, str], name_for: Any
) -> list[Trigger]:
    bus = str(resolver.resolve(props.get("EventBusName", "default")))
    targets = [(t["Id"], function_of(t.get("Arn"), functions)) for t in props.get("Targets", [])]
    targets = [(target, function) for target, function in targets if function is not None]
    if not targets:
        return []
    events = aws.client("events")
    rule = name_for(f"{logical_id}-rule")
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(resolver.resolve(props["EventPattern"])))
    triggers = []
    for target, function in targets:
        url, arn = our_queue(aws, name_for(f"{logical_id}-{target}-events"))
        events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": target[:64], "Arn": arn}])
        triggers.append(Trigger(function, "events", url, f"a rule on event bus {bus}", batch_size=1))
    return triggers


def async_failure_queues(aws: Any, resolver: Any, functions: dict[str, str]) -> dict[str, str]:
    """Each function's on-failure queue for asynchronous invocations (its EventInvokeConfig)."""
    queues = {}
    for resource in resolver.stack.resources.values():
        if resource.get("Type") != "AWS::Lambda::EventInvokeConfig":
            continue
        props = resource.get("Properties") or {}
        function = function_of(props.get("FunctionName"), functions)
        destination = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        if function is not None and destination:
            queues[function] = queue_url(aws, str(resolver.resolve(destination)))
    return queues


# --- Invoking ---------------------------------------------------------------------------------


class Invoker:
    """Lambda's Invoke API as make dev serves it (localrun's invokeapi.go)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def __call__(self, function: str, event: Any) -> tuple[Any, str]:
        """The function's response, and its error type ("" when it succeeded)."""
        request = urllib.request.Request(
            f"{self.url}/2015-03-31/functions/{function}/invocations",
            data=json.dumps(event).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=INVOKE_TIMEOUT) as response:
            error = response.headers.get("X-Amz-Function-Error") or ""
            payload = json.loads(response.read() or b"null")
        if error:
            return payload, str((payload or {}).get("errorType") or error)
        return payload, ""


def failed_items(payload: Any) -> list[str] | None:
    """The itemIdentifiers of a batch response; None when the response is not one (Lambda then
    treats the whole batch as failed)."""
    if payload is None or payload == {}:
        return []
    if not isinstance(payload, dict) or not isinstance(payload.get("batchItemFailures", []), list):
        return None
    ids = [item.get("itemIdentifier") for item in payload.get("batchItemFailures", []) if isinstance(item, dict)]
    return None if any(not isinstance(i, str) or not i for i in ids) else ids


# --- Events, as AWS sends them ----------------------------------------------------------------


def seconds(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime.datetime) else float(value)


def sqs_record(trigger: Trigger, message: dict[str, Any]) -> dict[str, Any]:
    attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        binary = value.get("BinaryValue")
        attributes[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType"),
        }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes") or {},
        "messageAttributes": attributes,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": trigger.source_arn,
        "awsRegion": trigger.region,
    }


def dynamodb_record(trigger: Trigger, record: dict[str, Any]) -> dict[str, Any]:
    change = dict(record["dynamodb"])
    change["ApproximateCreationDateTime"] = int(seconds(change["ApproximateCreationDateTime"]))
    return {**record, "dynamodb": change, "eventSourceARN": trigger.source_arn}


def kinesis_record(trigger: Trigger, shard: str, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": record["PartitionKey"],
            "sequenceNumber": record["SequenceNumber"],
            "data": base64.b64encode(record["Data"]).decode(),
            "approximateArrivalTimestamp": seconds(record["ApproximateArrivalTimestamp"]),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard}:{record['SequenceNumber']}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/local",
        "awsRegion": trigger.region,
        "eventSourceARN": trigger.source_arn,
    }


def notification_event(trigger: Trigger, body: str) -> Any:
    """The event of a notification delivered to our queue; None for S3's test event."""
    message = json.loads(body)
    if trigger.kind == "s3":
        return None if message.get("Event") == "s3:TestEvent" else message
    if trigger.kind == "events":
        return {"account": trigger.source_arn.split(":")[4] if trigger.source_arn else "123456789012", **message}
    return {  # sns: the envelope SNS wrote to the queue, in the shape Lambda gives it
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": trigger.subscription_arn,
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": message.get("SignatureVersion"),
                    "Timestamp": message.get("Timestamp"),
                    "Signature": message.get("Signature"),
                    "SigningCertUrl": message.get("SigningCertURL"),
                    "MessageId": message.get("MessageId"),
                    "Message": message.get("Message"),
                    "MessageAttributes": message.get("MessageAttributes") or {},
                    "Type": message.get("Type"),
                    "UnsubscribeUrl": message.get("UnsubscribeURL"),
                    "TopicArn": message.get("TopicArn"),
                    "Subject": message.get("Subject"),
                },
            }
        ]
    }


# --- Pollers ----------------------------------------------------------------------------------


def poll_queue(aws: Any, trigger: Trigger, invoke: Invoker) -> None:
    """One receive: a batch to an SQS function, or each notification to its function."""
    sqs = aws.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=trigger.source,
        MaxNumberOfMessages=min(trigger.batch_size, 10),
        WaitTimeSeconds=POLL_WAIT,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    if not messages:
        return
    if trigger.kind != "sqs":
        for message in messages:
            event = notification_event(trigger, message["Body"])
            if event is not None:
                invoke_async(aws, trigger, invoke, event)
            sqs.delete_message(QueueUrl=trigger.source, ReceiptHandle=message["ReceiptHandle"])
        return
    payload, error = invoke(trigger.function, {"Records": [sqs_record(trigger, m) for m in messages]})
    failed = None if error else failed_items(payload)
    ids = {m["MessageId"] for m in messages} if failed is None else set(failed)
    for message in messages:
        if message["MessageId"] in ids:
            sqs.change_message_visibility(
                QueueUrl=trigger.source, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=RETRY_DELAY
            )
        else:
            sqs.delete_message(QueueUrl=trigger.source, ReceiptHandle=message["ReceiptHandle"])
    outcome = f"{error}: all come back" if error else f"{len(ids)} failed, to come back" if ids else "all done"
    log(f"{trigger.label} -> {trigger.function}: {len(messages)} message(s), {outcome}")


def invoke_async(aws: Any, trigger: Trigger, invoke: Invoker, event: Any) -> None:
    """An asynchronous invocation: retried ASYNC_RETRIES times, then sent to the on-failure queue."""
    for attempt in range(ASYNC_RETRIES + 1):
        _, error = invoke(trigger.function, event)
        if not error:
            log(f"{trigger.label} -> {trigger.function}: done")
            return
        log(f"{trigger.label} -> {trigger.function}: {error} (attempt {attempt + 1} of {ASYNC_RETRIES + 1})")
    if trigger.on_failure:
        record = {"requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": ASYNC_RETRIES + 1},
                  "requestPayload": event, "timestamp": now()}  # fmt: skip
        aws.client("sqs").send_message(QueueUrl=trigger.on_failure, MessageBody=json.dumps(record))
        log(f"{trigger.label} -> {trigger.function}: sent to its dead-letter queue")


def now() -> str:
    utc = datetime.timezone.utc  # noqa: UP017 (datetime.UTC needs Python 3.11; this runs on 3.9)
    return datetime.datetime.now(utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def stream_api(aws: Any, trigger: Trigger) -> tuple[Any, dict[str, str]]:
    """The client of a stream trigger's API, and the stream as its calls name it."""
    dynamodb = trigger.kind == "dynamodb"
    client = aws.client("dynamodbstreams" if dynamodb else "kinesis")
    return client, {"StreamArn" if dynamodb else "StreamARN": trigger.source}  # the two APIs spell it apart


def start_at_latest(aws: Any, triggers: list[Trigger]) -> None:
    """Takes each stream shard's position now (the mappings start at LATEST), before make dev
    serves: every record written once it says "serving" reaches the function, none is skipped
    because its poller started a moment later."""
    for trigger in triggers:
        if trigger.kind in ("dynamodb", "kinesis"):
            client, stream = stream_api(aws, trigger)
            for shard in client.describe_stream(**stream)["StreamDescription"]["Shards"]:
                latest_iterator(client, stream, trigger, shard["ShardId"])


def latest_iterator(client: Any, stream: dict[str, str], trigger: Trigger, shard_id: str) -> None:
    trigger.shards[shard_id] = client.get_shard_iterator(**stream, ShardId=shard_id, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]


def poll_stream(aws: Any, trigger: Trigger, invoke: Invoker, attempts: dict[str, int]) -> None:
    """One round over the stream's shards: each shard's new records, in batches, retried in order."""
    dynamodb = trigger.kind == "dynamodb"
    client, stream = stream_api(aws, trigger)
    describe = client.describe_stream(**stream)["StreamDescription"]
    for shard in describe["Shards"]:
        shard_id = shard["ShardId"]
        if shard_id not in trigger.shards:
            latest_iterator(client, stream, trigger, shard_id)
        iterator = trigger.shards[shard_id]
        if not iterator:
            continue  # a closed shard
        # Kinesis takes the stream too (moto needs it); DynamoDB Streams has no such parameter.
        out = client.get_records(ShardIterator=iterator, Limit=trigger.batch_size, **({} if dynamodb else stream))
        records = out.get("Records", [])
        trigger.shards[shard_id] = out.get("NextShardIterator") or ""
        if not records:
            continue
        batch = [dynamodb_record(trigger, r) if dynamodb else kinesis_record(trigger, shard_id, r) for r in records]
        sequence = [r["dynamodb"]["SequenceNumber"] if dynamodb else r["SequenceNumber"] for r in records]
        payload, error = invoke(trigger.function, {"Records": batch})
        failed = None if error else failed_items(payload)
        if failed == []:
            attempts.pop(shard_id, None)
            log(f"{trigger.label} -> {trigger.function}: {len(records)} record(s), all done")
            continue
        # Lambda resumes from the lowest sequence number reported (the whole batch when none is).
        start = min((sequence.index(s) for s in failed or [] if s in sequence), default=0)
        attempts[shard_id] = attempts.get(shard_id, 0) + 1
        if 0 <= trigger.retry_attempts < attempts[shard_id]:
            attempts.pop(shard_id)
            send_stream_failure(aws, trigger, shard_id, sequence[start], sequence[-1], len(records) - start)
            continue  # the shard moves on past the batch
        reason = error or f"{len(records) - start} record(s) from {sequence[start]} failed"
        log(f"{trigger.label} -> {trigger.function}: {reason}; retrying from there")
        at = {"SequenceNumber" if dynamodb else "StartingSequenceNumber": sequence[start]}
        trigger.shards[shard_id] = client.get_shard_iterator(
            **stream, **at, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER"
        )["ShardIterator"]


def send_stream_failure(aws: Any, trigger: Trigger, shard: str, first: str, last: str, size: int) -> None:
    """What Lambda sends to a stream mapping's on-failure destination: where the batch was, not its records."""
    info = {"shardId": shard, "startSequenceNumber": first, "endSequenceNumber": last, "batchSize": size,
            "streamArn": trigger.source}  # fmt: skip
    key = "DDBStreamBatchInfo" if trigger.kind == "dynamodb" else "KinesisBatchInfo"
    context = {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": trigger.retry_attempts + 1}
    record = {"requestContext": context, key: info, "timestamp": now()}
    if trigger.on_failure:
        aws.client("sqs").send_message(QueueUrl=trigger.on_failure, MessageBody=json.dumps(record))
    log(
        f"{trigger.label} -> {trigger.function}: retries exhausted; the batch's description is in the dead-letter queue"
    )


def run(aws: Any, trigger: Trigger, invoke: Invoker, stop: threading.Event) -> None:
    """Polls one trigger until stop is set; an error is logged and the poll tried again."""
    attempts: dict[str, int] = {}
    while not stop.is_set():
        try:
            if trigger.kind in ("dynamodb", "kinesis"):
                poll_stream(aws, trigger, invoke, attempts)
                stop.wait(POLL_WAIT)
            else:
                poll_queue(aws, trigger, invoke)
        except Exception as error:  # the local AWS or make dev failed a call: say so, poll again
            if stop.is_set():
                return
            log(f"{trigger.label} -> {trigger.function}: {error}; polling again")
            stop.wait(POLL_WAIT)


def start(aws: Any, triggers: list[Trigger], invoke_url: str, stop: threading.Event) -> list[threading.Thread]:
    """One daemon thread per trigger, polling until stop is set."""
    invoke = Invoker(invoke_url)
    for service in ("sqs", "dynamodbstreams", "kinesis"):
        aws.client(service)  # boto3 clients are thread-safe; creating them is not
    threads = [
        threading.Thread(target=run, args=(aws, trigger, invoke, stop), name=trigger.label, daemon=True)
        for trigger in triggers
    ]
    for thread in threads:
        thread.start()
    return threads


def describe(triggers: list[Trigger]) -> str:
    return "events: " + "; ".join(f"{t.label} -> {t.function}" for t in triggers)
