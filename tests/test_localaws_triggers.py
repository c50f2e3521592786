"""tools/localaws/triggers.py: with make dev's Invoke API (LOCALRUN_INVOKE_URL), the local AWS
invokes the functions of a stack's triggers the way AWS does. Runs the script on small templates
against its moto server, with a fake Invoke API in this process standing for make dev, and checks
the events it receives (the shapes aws-lambda-go decodes) and what happens to what failed."""

from __future__ import annotations

import base64
import contextlib
import http.server
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import free_port
from .test_localaws import client, serving, write_template

pytestmark = pytest.mark.runtime

Respond = Callable[[str, dict[str, Any]], tuple[int, dict[str, str], Any]]


class InvokeAPI:
    """A fake of make dev's Invoke API: records each (function, event) and answers with respond."""

    def __init__(self, respond: Respond) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                function = self.path.split("/functions/", 1)[1].split("/", 1)[0]
                event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with api.lock:
                    api.calls.append((function, event))
                status, headers, body = respond(function, event)
                payload = json.dumps(body).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, count: int, timeout: float = 30) -> list[tuple[str, dict[str, Any]]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.calls) >= count:
                    return list(self.calls)
            time.sleep(0.1)
        pytest.fail(f"{len(self.calls)} invocation(s) after {timeout}s, wanted {count}: {self.calls}")


@contextlib.contextmanager
def invoke_api(respond: Respond) -> Iterator[InvokeAPI]:
    api = InvokeAPI(respond)
    thread = threading.Thread(target=api.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.server.shutdown()
        api.server.server_close()


def function(name: str) -> dict[str, Any]:
    """A project function as CDK synthesizes it: an OS-only runtime and its construct path."""
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "provided.al2023", "MemorySize": 256, "Timeout": 10},
        "Metadata": {"aws:cdk:path": f"svc/{name}/Resource"},
    }


def queue(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": properties}


def source_of(event: dict[str, Any]) -> str:
    """aws:sns, aws:s3 (records), or an EventBridge event's source."""
    if "Records" in event:
        record = event["Records"][0]
        return str(record.get("EventSource") or record.get("eventSource"))
    return str(event["source"])


def ok(_function: str, _event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    return 200, {}, None


def holding_the_first_invocation(respond: Respond) -> tuple[Respond, threading.Event]:
    """respond, except that the first invocation (the one record a test writes first) waits until
    the event is set: the records the test writes meanwhile reach the function as the next batch,
    whole, whenever the poller happens to read."""
    release = threading.Event()
    count = itertools.count()

    def held(function: str, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if next(count) == 0:
            assert release.wait(30), "the test never released the first invocation"
            return ok(function, event)
        return respond(function, event)

    return held, release


def test_an_sqs_batch_deletes_what_succeeded_and_what_failed_comes_back(tmp_path: Path) -> None:
    """The failed message alone comes back; after maxReceiveCount receives, the queue's redrive
    policy moves it to the dead-letter queue."""
    template = write_template(tmp_path, "svc", {
        "WorkerFunction1A2B3C": function("WorkerFunction"),
        "DeadLetters": queue(),
        "Jobs": queue(RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetters", "Arn"]},
                                     "maxReceiveCount": 2}),
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "WorkerFunction1A2B3C"}, "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]},
            "BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]}},
    })  # fmt: skip

    def respond(_function: str, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        bad = [r["messageId"] for r in event["Records"] if r["body"] == "bad"]
        return 200, {}, {"batchItemFailures": [{"itemIdentifier": i} for i in bad]}

    port = free_port()
    with invoke_api(respond) as api, serving(template, port=port, LOCALRUN_INVOKE_URL=api.url) as (_, settings, _):
        sqs = client(settings["endpoint"], "sqs")
        url = sqs.get_queue_url(QueueName="svc-jobs")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="good")
        sqs.send_message(QueueUrl=url, MessageBody="bad")
        first = api.wait_for(1)[0]
        assert first[0] == "WorkerFunction"
        record = first[1]["Records"][0]
        assert set(record) == {"messageId", "receiptHandle", "body", "attributes", "messageAttributes",
                               "md5OfBody", "eventSource", "eventSourceARN", "awsRegion"}  # fmt: skip
        assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":svc-jobs")
        dead = sqs.get_queue_url(QueueName="svc-deadletters")["QueueUrl"]
        deadline = time.monotonic() + 30
        moved: list[Any] = []
        while not moved and time.monotonic() < deadline:
            moved = sqs.receive_message(QueueUrl=dead, WaitTimeSeconds=1).get("Messages", [])
        assert [m["Body"] for m in moved] == ["bad"]
        bodies = [[r["body"] for r in event["Records"]] for _, event in api.calls]
        assert sum(batch.count("good") for batch in bodies) == 1, f"the good message was deleted: {bodies}"
        assert sum(batch.count("bad") for batch in bodies) == 2, f"received twice, then dead-lettered: {bodies}"


def test_a_stream_is_retried_from_the_first_failed_record_then_its_batch_is_dead_lettered(tmp_path: Path) -> None:
    template = write_template(tmp_path, "svc", {
        "ChangesFunctionABCD": function("ChangesFunction"),
        "Table": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"} for key in ("PK", "SK")],
            "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST", "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}},
        "Failures": queue(),
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "ChangesFunctionABCD"}, "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
            "BatchSize": 100, "MaximumRetryAttempts": 1, "StartingPosition": "LATEST",
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Failures", "Arn"]}}}}},
    })  # fmt: skip

    def respond(_function: str, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        bad = [r["dynamodb"]["SequenceNumber"] for r in event["Records"] if r["dynamodb"]["Keys"]["PK"]["S"] == "2"]
        return 200, {}, {"batchItemFailures": [{"itemIdentifier": s} for s in bad]}

    held, release = holding_the_first_invocation(respond)
    port = free_port()
    with invoke_api(held) as api, serving(template, port=port, LOCALRUN_INVOKE_URL=api.url) as (_, settings, _):
        dynamodb = client(settings["endpoint"], "dynamodb")
        # At once: the mapping starts at LATEST, taken before the script printed its settings.
        dynamodb.put_item(TableName="svc-table", Item={"PK": {"S": "0"}, "SK": {"S": "x"}})
        api.wait_for(1)
        for pk in ("1", "2", "3"):
            dynamodb.put_item(TableName="svc-table", Item={"PK": {"S": pk}, "SK": {"S": "x"}})
        release.set()
        calls = api.wait_for(3)[1:]
        keys = [[r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"]] for _, event in calls]
        assert keys[:2] == [["1", "2", "3"], ["2", "3"]], "retried from the failed record, in order"
        record = calls[0][1]["Records"][0]
        assert record["eventSource"] == "aws:dynamodb" and record["eventName"] == "INSERT"
        assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
        assert record["eventSourceARN"].startswith("arn:aws:dynamodb:")
        sqs = client(settings["endpoint"], "sqs")
        failures = sqs.get_queue_url(QueueName="svc-failures")["QueueUrl"]
        deadline = time.monotonic() + 30
        messages: list[Any] = []
        while not messages and time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=failures, WaitTimeSeconds=1).get("Messages", [])
        info = json.loads(messages[0]["Body"])["DDBStreamBatchInfo"]
        assert info["startSequenceNumber"] == calls[1][1]["Records"][0]["dynamodb"]["SequenceNumber"]
        assert info["batchSize"] == 2


def test_notifications_reach_their_functions_as_aws_sends_them(tmp_path: Path) -> None:
    """An SNS subscription, an S3 notification and an EventBridge rule on a custom bus of a
    function: each notification is one invocation with the event aws-lambda-go's SNSEvent, S3Event
    and EventBridgeEvent decode."""
    fn_arn = {"Fn::GetAtt": ["NotifierFunction99", "Arn"]}
    template = write_template(tmp_path, "svc", {
        "NotifierFunction99": function("NotifierFunction"),
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Subscription": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "TopicArn": {"Ref": "Topic"}, "Endpoint": fn_arn}},
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        "Notifications": {"Type": "Custom::S3BucketNotifications", "Properties": {
            "BucketName": {"Ref": "Bucket"}, "NotificationConfiguration": {"LambdaFunctionConfigurations": [{
                "Events": ["s3:ObjectCreated:*"], "LambdaFunctionArn": fn_arn,
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}}}]}}},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "svc-orders"}},
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {
            "EventBusName": {"Ref": "Bus"}, "EventPattern": {"source": ["com.example.orders"]},
            "Targets": [{"Id": "Target0", "Arn": fn_arn}]}},
    })  # fmt: skip
    port = free_port()
    with invoke_api(ok) as api, serving(template, port=port, LOCALRUN_INVOKE_URL=api.url) as (_, settings, _):
        endpoint = settings["endpoint"]
        client(endpoint, "sns").publish(
            TopicArn="arn:aws:sns:us-east-1:123456789012:svc-topic", Message="hi", Subject="s"
        )
        s3 = client(endpoint, "s3")
        s3.put_object(Bucket="svc-bucket", Key="other/skipped.txt", Body=b"-")
        s3.put_object(Bucket="svc-bucket", Key="incoming/a.csv", Body=b"1")
        events = client(endpoint, "events")
        order = {"Source": "com.example.orders", "DetailType": "Order Placed", "Detail": '{"id": 1}'}
        events.put_events(Entries=[{**order, "EventBusName": "svc-orders"}])
        events.put_events(Entries=[order])  # the default bus: no rule there
        calls = api.wait_for(3)
        time.sleep(2)  # nothing more comes: not the object outside the prefix, not S3's test event
    assert {function for function, _ in api.calls} == {"NotifierFunction"}
    by_source: dict[str, list[dict[str, Any]]] = {}
    for _, event in api.calls:
        by_source.setdefault(source_of(event), []).append(event)
    assert sorted(by_source) == ["aws:s3", "aws:sns", "com.example.orders"], calls
    sns = by_source["aws:sns"][0]["Records"][0]["Sns"]
    assert (sns["Message"], sns["Subject"], sns["Type"]) == ("hi", "s", "Notification")
    assert sns["TopicArn"].endswith(":svc-topic") and sns["SigningCertUrl"] and sns["UnsubscribeUrl"]
    # Keys come URL-encoded, as in AWS (moto encodes the slash too; unquote_plus reads both).
    keys = [urllib.parse.unquote_plus(e["Records"][0]["s3"]["object"]["key"]) for e in by_source["aws:s3"]]
    assert keys == ["incoming/a.csv"]
    order = by_source["com.example.orders"][0]
    assert (order["detail-type"], order["detail"], order["account"]) == ("Order Placed", {"id": 1}, "123456789012")


def test_a_kinesis_stream_invokes_its_function_with_its_records_in_order(tmp_path: Path) -> None:
    template = write_template(tmp_path, "svc", {
        "OrdersFunctionXYZ": function("OrdersFunction"),
        "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "OrdersFunctionXYZ"}, "EventSourceArn": {"Fn::GetAtt": ["Stream", "Arn"]},
            "BatchSize": 100, "StartingPosition": "LATEST"}},
    })  # fmt: skip

    failed_once: set[str] = set()

    def respond(_function: str, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        first = event["Records"][0]["kinesis"]["sequenceNumber"]
        if first not in failed_once:  # a batch fails from its first record once: retried from there
            failed_once.add(first)
            return 200, {}, {"batchItemFailures": [{"itemIdentifier": first}]}
        return 200, {}, {"batchItemFailures": []}

    held, release = holding_the_first_invocation(respond)
    port = free_port()
    with invoke_api(held) as api, serving(template, port=port, LOCALRUN_INVOKE_URL=api.url) as (_, settings, _):
        kinesis = client(settings["endpoint"], "kinesis")
        # At once: the mapping starts at LATEST, taken before the script printed its settings.
        kinesis.put_record(StreamName="svc-stream", Data=json.dumps({"n": 0}).encode(), PartitionKey="p")
        api.wait_for(1)
        kinesis.put_records(
            StreamName="svc-stream",
            Records=[{"Data": json.dumps({"n": n}).encode(), "PartitionKey": "p"} for n in (1, 2)],
        )
        release.set()
        calls = api.wait_for(3)[1:]
    batches = [[json.loads(base64.b64decode(r["kinesis"]["data"]))["n"] for r in e["Records"]] for _, e in calls]
    assert batches[:2] == [[1, 2], [1, 2]], "a failed batch is retried from its first failed record"
    record = calls[0][1]["Records"][0]
    assert record["eventSource"] == "aws:kinesis" and record["kinesis"]["partitionKey"] == "p"
    assert record["eventID"].startswith("shardId-") and record["eventSourceARN"].endswith("/svc-stream")


def test_a_trigger_of_the_live_alias_runs_its_function(tmp_path: Path) -> None:
    """Every trigger invokes a function's `live` alias (deployment all-at-once, canary, linear): the
    mapping names it as CDK writes an alias's qualified name. Locally there are no versions, so the
    queue's messages reach the function itself."""
    alias_name = {
        "Fn::Join": ["", [{"Fn::Select": [6, {"Fn::Split": [":", {"Ref": "WorkerLiveAlias9F8E"}]}]}, ":live"]]
    }
    template = write_template(tmp_path, "svc", {
        "WorkerFunction1A2B3C": function("WorkerFunction"),
        "WorkerLiveAlias9F8E": {"Type": "AWS::Lambda::Alias", "Properties": {
            "FunctionName": {"Ref": "WorkerFunction1A2B3C"}, "FunctionVersion": "1", "Name": "live"}},
        "Jobs": queue(),
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": alias_name, "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]}, "BatchSize": 10}},
    })  # fmt: skip
    port = free_port()
    with invoke_api(ok) as api, serving(template, port=port, LOCALRUN_INVOKE_URL=api.url) as (_, settings, _):
        sqs = client(settings["endpoint"], "sqs")
        sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="svc-jobs")["QueueUrl"], MessageBody="hello")
        ((name, event),) = api.wait_for(1)
        assert name == "WorkerFunction"
        assert [record["body"] for record in event["Records"]] == ["hello"]
