"""Runtime tier: generated functions run locally under the real Lambda Runtime Interface Emulator
(`make invoke`, `make dev`, no Docker), talking to a real moto server through AWS_ENDPOINT_URL."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from extensions.events import CATALOGUE, EventKind
from extensions.services import SERVICES

from .conftest import free_port, generate, port_is_free
from .kinds import ALB_CERTIFICATE_ANSWERS, BATCH_KINDS, EVERY_KIND, HTTP_KINDS, function
from .test_infra import template_stack_name

pytestmark = pytest.mark.runtime


def wait_for_port(port: int, process: subprocess.Popen[Any], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"nothing listened on 127.0.0.1:{port} after {timeout}s")


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real moto server (installed from requirements.txt) on loopback for the whole session."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, server, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def moto_env(endpoint: str) -> dict[str, str]:
    """This process's environment, pointed at moto with dummy credentials."""
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@pytest.fixture(params=["rie", "builtin"])
def aws_env(moto_endpoint: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment for a local run against moto, with a fresh users table of the stack's shape,
    once under the Lambda emulator and once under localrun's own Runtime API (the macOS path)."""
    # Readable, within DynamoDB's character set, and unique per test and parameter.
    readable = re.sub(r"[^A-Za-z0-9.-]+", "-", request.node.name)[:40]
    table = f"users-{readable}-{hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:8]}"
    env = {**moto_env(moto_endpoint), "TABLE_NAME": table, "LOCAL_RUNTIME": request.param}
    client = boto3.client(
        "dynamodb",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "GSI1PK", "GSI1SK")],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [
                    {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    return env


def make(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def make_invoke(project: Path, env: dict[str, str], *args: str) -> tuple[dict[str, Any], str]:
    """`make invoke ...`: the parsed response (stdout) and the function's and emulator's output."""
    done = make(project, env, "invoke", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "REPORT RequestId:" in done.stderr
    return json.loads(done.stdout), done.stderr


def test_invoke_creates_then_reads_a_user(default_project: Path, aws_env: dict[str, str], tmp_path: Path) -> None:
    created, _ = make_invoke(default_project, aws_env, "FN=api", f"EVENT={default_project}/events/api/create-user.json")
    assert created["statusCode"] == 201, created
    user = json.loads(created["body"])

    get_event = json.loads((default_project / "events/api/get-user.json").read_text())
    get_event["pathParameters"] = {"userId": user["id"]}
    get_event["path"] = f"/users/{user['id']}"
    event_file = tmp_path / "get.json"
    event_file.write_text(json.dumps(get_event))
    fetched, _ = make_invoke(default_project, aws_env, "FN=api", f"EVENT={event_file}")
    assert fetched["statusCode"] == 200, fetched
    assert json.loads(fetched["body"]) == user


def test_invoke_reports_missing_configuration(default_project: Path, aws_env: dict[str, str]) -> None:
    """An init failure: non-zero exit, and the first line on stderr names the variable, where it
    comes from and how to run locally, before any log."""
    env = {k: v for k, v in aws_env.items() if k != "TABLE_NAME"}
    done = make(default_project, env, "invoke", "FN=api")
    assert done.returncode != 0
    assert done.stdout == ""
    first = done.stderr.splitlines()[0]
    assert first.startswith("api: Runtime.ExitError: "), done.stderr
    assert "TABLE_NAME is required" in first and "AWS=local" in first, first


def test_invoke_reports_a_function_error_first(
    every_kind_project: Path, aws_env: dict[str, str], tmp_path: Path
) -> None:
    """A handler error (a direct invocation with an unknown field) is the first stderr line."""
    event = tmp_path / "bad.json"
    event.write_text('{"unknownField": 1}')
    done = make(every_kind_project, aws_env, "invoke", "FN=worker", f"EVENT={event}")
    assert done.returncode != 0
    assert done.stdout == ""
    first = done.stderr.splitlines()[0]
    assert re.fullmatch(r"worker: [A-Za-z.*]+: .*unknownField.*", first), done.stderr


def http(method: str, url: str, body: bytes | None = None, token: str = "") -> tuple[int, dict[str, Any]]:
    """One JSON request, with `Authorization: Bearer <token>` when a token is given."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def make_token(project: Path, env: dict[str, str], claims: str = "") -> str:
    """`make token [CLAIMS=...]`, as the README says to run it: a token make dev accepts."""
    done = make(project, env, "-s", "token", *([f"CLAIMS={claims}"] if claims else []))
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token.count(".") == 2, token
    return token


@contextlib.contextmanager
def dev_server(
    project: Path, env: dict[str, str], log_file: Path, *args: str, functions: int = 1, timeout: float = 120
) -> Iterator[int]:
    """`make dev [args]` until the block ends; yields the first HTTP function's port, the others follow."""
    port = free_port()
    while not all(port_is_free(p) for p in range(port, port + functions)):
        port = free_port()
    with log_file.open("w") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "dev", f"DEV_PORT={port}", *args],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C below reaches make, the gateway and the emulators
        )
    try:
        for p in range(port, port + functions):
            wait_for_port(p, server, timeout)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)


def test_dev_serves_the_users_api(default_project: Path, aws_env: dict[str, str], tmp_path: Path) -> None:
    """The users API is behind the user pool (auth cognito): make dev answers 401 as API Gateway
    does without a token of make token's, and serves the API with one."""
    token = make_token(default_project, aws_env)
    with dev_server(default_project, aws_env, tmp_path / "dev.log") as port:
        base = f"http://127.0.0.1:{port}"
        assert http("GET", f"{base}/users") == (401, {"message": "Unauthorized"})
        forged = token[: token.rindex(".") + 1] + "AAAA" + token[token.rindex(".") + 5 :]
        assert http("GET", f"{base}/users", token=forged) == (401, {"message": "Unauthorized"})
        assert "api: 401 for GET /users: no token: send Authorization: Bearer $(make token)" in (
            (tmp_path / "dev.log").read_text()
        )
        body = b'{"email":"grace@example.com","name":"Grace Hopper"}'
        status, created = http("POST", f"{base}/users", body, token=token)
        assert status == 201, created
        status, fetched = http("GET", f"{base}/users/{created['id']}", token=token)
        assert (status, fetched) == (200, created)
        status, found = http("GET", f"{base}/users?email=grace@example.com", token=token)
        assert status == 200 and [u["id"] for u in found["items"]] == [created["id"]]
        status, error = http("POST", f"{base}/users", b"{not json", token=token)
        assert status == 400 and error["error"]
        status, _ = http("GET", f"{base}/nowhere", token=token)
        assert status == 404


def test_dev_serves_every_http_kind(every_kind_project: Path, aws_env: dict[str, str], tmp_path: Path) -> None:
    """`make dev` puts each HTTP function on its own port, in the order of the functions answer,
    and translates requests into that function's kind of event and its response back."""
    http_functions = [fn for fn in EVERY_KIND if CATALOGUE[fn["event"]].http]
    token = make_token(every_kind_project, aws_env)
    with dev_server(every_kind_project, aws_env, tmp_path / "dev.log", functions=len(http_functions)) as first_port:
        for offset, fn in enumerate(http_functions):
            base = f"http://127.0.0.1:{first_port + offset}"
            where = f"{fn['name']} ({fn['event']})"
            if fn["name"] == "api":  # the users example
                status, listed = http("GET", f"{base}/users", token=token)
                assert status == 200 and "items" in listed, where
                continue
            status, greeting = http("POST", f"{base}/hello", b'{"name":"Gopher"}', token=token)
            assert (status, greeting) == (200, {"message": "Hello, Gopher!"}), where
            status, error = http("POST", f"{base}/hello", b'{"name":', token=token)
            assert status == 400 and error["error"], where
            status, _ = http("DELETE", f"{base}/hello", token=token)
            assert status == 405, where


def test_dev_asks_the_authorizer_function(every_kind_project: Path, aws_env: dict[str, str], tmp_path: Path) -> None:
    """Behind auth lambda (the every-kind project's default: it has an authorizer function), make
    dev runs the authorizer function and asks it first: a REST API answers 401 to a token it
    refuses, an HTTP API 403 (a simple response), both 401 without the Authorization header; with
    make token's token, the request passes and the authorizer's context reaches the function."""
    http_functions = [fn for fn in EVERY_KIND if CATALOGUE[fn["event"]].http]
    ports = {fn["name"]: offset for offset, fn in enumerate(http_functions)}
    token = make_token(every_kind_project, aws_env, '{"sub":"ada","email":"ada@example.com"}')
    log_file = tmp_path / "dev.log"
    with dev_server(every_kind_project, aws_env, log_file, functions=len(http_functions)) as first_port:
        rest = f"http://127.0.0.1:{first_port + ports['api']}/users"
        v2 = f"http://127.0.0.1:{first_port + ports['http-api']}/hello"
        assert http("GET", rest)[0] == http("GET", v2)[0] == 401
        assert http("GET", rest, token="forged.token.value")[0] == 401
        assert http("GET", v2, token="forged.token.value")[0] == 403
        assert http("GET", rest, token=token)[0] == 200
        assert http("GET", v2, token=token) == (200, {"message": "Hello, world!"})
    log = log_file.read_text()
    assert "api: http://127.0.0.1:" in log and "auth lambda: authorizer decides" in log
    assert "url: http://127.0.0.1:" in log and "auth iam: not enforced locally" in log
    refused = logged(log_file, "request refused: token not accepted")
    assert len(refused) == 2 and "invalid token" in refused[0]["reason"], log[-4000:]


def integration_test_events(project: Path, moto_endpoint: str, *packages: str) -> list[dict[str, Any]]:
    """`go test -race -tags integration -json` of packages against moto: its events, once it passed."""
    done = subprocess.run(
        ["go", "test", "-race", "-count=1", "-tags", "integration", "-json", *packages],
        cwd=project,
        env=moto_env(moto_endpoint),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    failed = sorted({e["Test"] for e in events if e.get("Action") == "fail" and e.get("Test")})
    assert done.returncode == 0, failed or done.stderr[-3000:]
    return events


def test_service_packages_speak_the_real_protocols(copie: Any, moto_endpoint: str) -> None:
    """The generated integration tests of every service package pass against moto."""
    project = generate(copie, example_crud=False, aws_services=list(SERVICES))
    events = integration_test_events(project, moto_endpoint, "./internal/...")
    passed = {e["Test"].split("/")[0] for e in events if e.get("Action") == "pass" and e.get("Test")}
    integration = {name for name in passed if "Integration" in name}
    packages = {e["Package"].rsplit("/", 1)[-1] for e in events if e.get("Test") in integration}
    assert packages == {service.package for service in SERVICES.values()}, sorted(integration)
    skipped = {e["Test"] for e in events if e.get("Action") == "skip" and "Integration" in e.get("Test", "")}
    assert not skipped


def test_idempotency_and_tracing_pass_their_tests_against_moto(production_project: Path, moto_endpoint: str) -> None:
    """With idempotency and tracing spans on, the tests of the handlers and of the two packages
    pass with -race, the idempotency store's against moto: a repeat is not processed twice, nor are concurrent repeats
    (one runs, the others meet its claim); the tracing package's spans have their names, their
    parent from the X-Ray header and a child per SDK call."""
    packages = ["./internal/handler/", "./internal/idempotency/", "./internal/tracing/"]
    events = integration_test_events(production_project, moto_endpoint, *packages)
    passed = {
        (e["Package"].rsplit("/", 1)[-1], e["Test"]) for e in events if e.get("Action") == "pass" and e.get("Test")
    }
    assert {
        ("idempotency", "TestIntegration/a_repeat_is_not_processed_twice"),
        ("idempotency", "TestIntegration/two_concurrent_repeats_run_the_work_once"),
        ("idempotency", "TestIntegration/a_failure_lets_the_retry_run"),
        ("idempotency", "TestDoRefusesAKeyAnotherInvocationHolds"),
        ("idempotency", "TestAClaimLapsesAtTheInvocationDeadline"),
        ("tracing", "TestWrapMakesAChildSpanOfTheInvocationsTrace"),
        ("tracing", "TestSDKCallsAreChildSpans"),
        ("tracing", "TestParseTraceHeader"),
    } <= passed, sorted(passed)
    skipped = {e["Test"] for e in events if e.get("Action") == "skip" and e.get("Test")}
    assert not skipped


def test_invoke_runs_every_kinds_sample_event(every_kind_project: Path, aws_env: dict[str, str]) -> None:
    """Each function of the every-kind project answers its first sample event under the emulator
    with the response its kind promises."""
    project = every_kind_project
    for fn in EVERY_KIND:
        kind = CATALOGUE[fn["event"]]
        sample = sorted(p.name for p in (project / "events" / fn["name"]).iterdir())[0]
        response, _ = make_invoke(project, aws_env, f"FN={fn['name']}", f"EVENT={project}/events/{fn['name']}/{sample}")
        assert_promised_response(kind, response, f"{fn['name']} ({kind.key}) with {sample}")


def assert_promised_response(kind: EventKind, response: Any, where: str) -> None:
    """The response a function of this kind gives a sample event it handles."""
    where = f"{where}: {response!r}"
    if kind.http:
        assert 200 <= response["statusCode"] < 300, where
    elif kind.authorizer:  # its sample token is localrun's, whose issuer make invoke gives it
        assert response.get("isAuthorized") is True or response["policyDocument"]["Statement"][0]["Effect"] == (
            "Allow"
        ), where
    elif kind.batch:
        assert set(response) == {"batchItemFailures"} and not response["batchItemFailures"], where
    elif kind.go_input:
        assert response is None, where  # the kind returns only an error
    else:
        assert isinstance(response, dict) and response, where  # direct: a typed result


def with_bad_record(sample: Path, spoil: Callable[[dict[str, Any]], str]) -> tuple[dict[str, Any], str]:
    """The sample event plus a copy of its first record spoiled by `spoil`, which names it."""
    event = json.loads(sample.read_text())
    bad = json.loads(json.dumps(event["Records"][0]))
    bad_id = spoil(bad)
    event["Records"].insert(1, bad)
    return event, bad_id


def spoil_sqs(record: dict[str, Any]) -> str:
    record["messageId"] = "bad-message-0001"
    record["body"] = '{"orderId": '
    return record["messageId"]


def spoil_kinesis(record: dict[str, Any]) -> str:
    record["kinesis"]["sequenceNumber"] = "49590338271490256608559692538361571095921575989136588899"
    record["kinesis"]["data"] = base64.b64encode(b'{"orderId": ').decode()
    return record["kinesis"]["sequenceNumber"]


def spoil_dynamodb(record: dict[str, Any]) -> str:
    record["dynamodb"]["SequenceNumber"] = "999900000000012345678901"
    record["dynamodb"]["Keys"] = {"PK": {"N": "42"}, "SK": {"S": "ORDER"}}
    return record["dynamodb"]["SequenceNumber"]


# Each batch kind's spoiler and the id of one of its records.
BAD_RECORDS: dict[str, tuple[Callable[[dict[str, Any]], str], Callable[[dict[str, Any]], str]]] = {
    "sqs": (spoil_sqs, lambda record: record["messageId"]),
    "kinesis": (spoil_kinesis, lambda record: record["kinesis"]["sequenceNumber"]),
    "dynamodb-stream": (spoil_dynamodb, lambda record: record["dynamodb"]["SequenceNumber"]),
}


@pytest.mark.parametrize("kind", BATCH_KINDS)
def test_invoke_reports_the_bad_record_and_for_streams_every_later_one(
    every_kind_project: Path, aws_env: dict[str, str], tmp_path: Path, kind: str
) -> None:
    """Under the emulator, a malformed record among good ones fails alone in a queue's batch; a
    stream stops at it, and reports it with every record after it, which Lambda sends again in
    order."""
    spoil, record_id = BAD_RECORDS[kind]
    name = CATALOGUE[kind].default_name
    (sample,) = (every_kind_project / "events" / name).iterdir()
    event, bad_id = with_bad_record(sample, spoil)
    assert len(event["Records"]) > 2, "the bad record needs records after it"
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    response, _ = make_invoke(every_kind_project, aws_env, f"FN={name}", f"EVENT={event_file}")
    failed = [bad_id, *map(record_id, event["Records"][2:])] if CATALOGUE[kind].ordered else [bad_id]
    assert response == {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}


def sh_blocks(markdown: str, after: str) -> list[list[str]]:
    """The command lines of the ```sh blocks that follow the line `after` in its section."""
    section = markdown.split(after, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def clean_env() -> dict[str, str]:
    """A user's terminal with only the README's prerequisites: no AWS settings or credentials, no
    moto, and not inside a make (the template's own `make test` would make every make a sub-make
    that prints "Entering directory" around the output)."""
    inherited = {"VIRTUAL_ENV", "MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"}
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in inherited}


def test_readme_local_run_works_as_written(default_project: Path, tmp_path: Path) -> None:
    """The README's local run, typed literally: `make dev AWS=local` in one terminal starts a
    local AWS with the stack's table, then the second terminal's commands create a user, read it
    back, and invoke the function against the same local AWS."""
    readme = (default_project / "README.md").read_text()
    (dev_block, second_terminal) = sh_blocks(readme, "## Run locally")[:2]
    assert dev_block == ["make dev AWS=local"]
    for port in (3000, 4566):
        assert port_is_free(port), f"127.0.0.1:{port} is taken: the README's commands need it"
    env = clean_env()
    with (tmp_path / "dev.log").open("w") as log:
        dev = subprocess.Popen(
            ["bash", "-c", dev_block[0]],
            cwd=default_project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(3000, dev, timeout=900)
        # As a user waits for "serving": the first request only once the function answers.
        token = make_token(default_project, env)
        deadline = time.monotonic() + 120
        while http("GET", "http://127.0.0.1:3000/users", token=token)[0] != 200:
            assert time.monotonic() < deadline, (tmp_path / "dev.log").read_text()
            time.sleep(0.5)
        outputs = []
        for line in second_terminal:
            done = subprocess.run(
                ["bash", "-c", line], cwd=default_project, env=env, capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
            assert done.stdout.strip(), (
                f"{line}: no output\n{done.stderr}\nmake dev:\n{(tmp_path / 'dev.log').read_text()}"
            )
            outputs.append(json.loads(done.stdout))
    finally:
        os.killpg(dev.pid, signal.SIGINT)
        dev.wait(timeout=60)
    created, found, invoked = outputs
    assert created["email"] == "ada@example.com" and created["id"], created
    assert [user["id"] for user in found["items"]] == [created["id"]]
    assert invoked["statusCode"] == 200, invoked
    assert [user["id"] for user in json.loads(invoked["body"])["items"]] == [created["id"]]
    assert port_is_free(4566), "the local AWS outlived make dev"


def test_debug_runs_the_function_under_delve(default_project: Path, aws_env: dict[str, str], tmp_path: Path) -> None:
    """`make debug` waits for a debugger on DEBUG_PORT; once one attaches and continues, the
    invocation completes with the same response as `make invoke`."""
    port = free_port()
    with (tmp_path / "debug.out").open("w") as out, (tmp_path / "debug.err").open("w") as err:
        debug = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "debug",
                "FN=api",
                f"DEBUG_PORT={port}",
                f"EVENT={default_project}/events/api/list-users.json",
            ],
            cwd=default_project,
            env=aws_env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        wait_for_port(port, debug, timeout=600)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            # Delve's JSON-RPC API, as an IDE speaks it: continue until the invocation is done.
            request = {"method": "RPCServer.Command", "params": [{"name": "continue"}], "id": 1}
            client.sendall(json.dumps(request).encode())
            assert debug.wait(timeout=120) == 0, (tmp_path / "debug.err").read_text()
    finally:
        if debug.poll() is None:
            os.killpg(debug.pid, signal.SIGKILL)
    response = json.loads((tmp_path / "debug.out").read_text())
    assert response["statusCode"] == 200, response
    assert "items" in json.loads(response["body"])


def test_dev_rebuilds_and_restarts_on_save(copie: Any, tmp_path: Path) -> None:
    """Edit a handler while `make dev` runs: it says so on stderr and serves the new code."""
    project = generate(
        copie,
        functions=[{"name": "hello", "event": "apigw-http"}],
        aws_services=[],
        example_crud=False,
        api_auth="none",
    )
    log_file = tmp_path / "dev.log"
    with dev_server(project, moto_env("http://127.0.0.1:9"), log_file) as port:
        url = f"http://127.0.0.1:{port}/hello"
        assert http("POST", url, b'{"name":"Gopher"}') == (200, {"message": "Hello, Gopher!"})
        handler = project / "internal/handler/hello.go"
        handler.write_text(handler.read_text().replace('"Hello, " + name', '"Howdy, " + name'))
        deadline = time.monotonic() + 120
        while "rebuilt" not in log_file.read_text():
            assert time.monotonic() < deadline, log_file.read_text()
            time.sleep(0.2)
        assert http("POST", url, b'{"name":"Gopher"}') == (200, {"message": "Howdy, Gopher!"})


def logged(log_file: Path, message: str) -> list[dict[str, str]]:
    """The records of a text log (key=value, as the functions log locally) with this message."""
    records = []
    for line in log_file.read_text().splitlines():
        if f'message="{message}"' in line or f"message={message} " in line:
            records.append(dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)))
    return [{key: value.strip('"') for key, value in record.items()} for record in records]


def wait_until(condition: Callable[[], Any], log_file: Path, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"not after {timeout}s; make dev:\n{log_file.read_text()[-8000:]}"
        time.sleep(0.5)
    return result


def test_the_event_driven_preset_runs_as_one_system(event_driven_project: Path, tmp_path: Path) -> None:
    """`make dev AWS=local` with the preset: a POST to the API writes a user; the table's stream
    invokes the stream processor, which sends a user event to the queue; the queue invokes the
    SQS processor, which consumes it. A malformed message comes back, and after maxReceiveCount
    receives waits in the queue's dead-letter queue."""
    aws_port = free_port()
    log_file = tmp_path / "dev.log"
    env = clean_env()
    local_aws = ("AWS=local", f"LOCAL_AWS_PORT={aws_port}")
    token = make_token(event_driven_project, env)  # the API is behind the user pool (auth cognito)
    with dev_server(event_driven_project, env, log_file, *local_aws, timeout=900) as port:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http("GET", f"{base}/users", token=token)[0] == 200, log_file, timeout=120)
        status, user = http("POST", f"{base}/users", b'{"email":"ada@example.com","name":"Ada"}', token=token)
        assert status == 201, user
        assert http("DELETE", f"{base}/users/{user['id']}", token=token)[0] == 204

        def processed() -> list[str]:
            events = [r for r in logged(log_file, "user event processed") if r.get("userId") == user["id"]]
            return [r["type"] for r in events] if len(events) == 2 else []

        assert sorted(wait_until(processed, log_file)) == ["user.created", "user.deleted"]
        changed = [r["type"] for r in logged(log_file, "user changed") if r["userId"] == user["id"]]
        assert changed == ["user.created", "user.deleted"], "the stream processor sees the writes in order"
        sent = {r["messageId"] for r in logged(log_file, "user event sent") if r["userId"] == user["id"]}
        received = {r["messageId"] for r in logged(log_file, "message received")}
        assert len(sent) == 2 and sent <= received, "the SQS processor received the very messages sent"

        sqs = boto3.client(
            "sqs", endpoint_url=f"http://127.0.0.1:{aws_port}", region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        stack = template_stack_name(event_driven_project)  # the queues' names begin with it
        urls = sqs.list_queues(QueueNamePrefix=f"{stack}-")["QueueUrls"]
        queue = next(url for url in urls if url.rsplit("/", 1)[1].startswith(f"{stack}-queue"))
        dead = next(url for url in urls if url.rsplit("/", 1)[1].startswith(f"{stack}-deadletterqueue"))
        sqs.send_message(QueueUrl=queue, MessageBody='{"type": "user.renamed"}')

        def dead_lettered() -> list[Any]:
            return sqs.receive_message(QueueUrl=dead, WaitTimeSeconds=1).get("Messages", [])

        (message,) = wait_until(dead_lettered, log_file, timeout=90)
        assert message["Body"] == '{"type": "user.renamed"}'
        counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
        assert (counts["ApproximateNumberOfMessages"], counts["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")
    assert port_is_free(aws_port), "the local AWS outlived make dev"


# A route the test adds to every HTTP function of a generated project: GET answers the request's
# tags and cookies and sets two cookies, POST answers the request's binary body back as bytes.
ECHO_ROUTE = """package handler

import (
	"context"
	"encoding/base64"
	"net/http"

	"github.com/example/my-service/pkg/apperr"
	"github.com/example/my-service/pkg/middleware"
)

var echoRoute = map[string]middleware.Handler{
	http.MethodGet: func(_ context.Context, req middleware.Request) (middleware.Response, error) {
		cookies := []string{}
		for _, c := range req.Cookies() {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		resp, err := middleware.JSON(http.StatusOK, map[string]any{"tags": req.QueryValues("tag"), "cookies": cookies})
		resp.Cookies = []string{"first=1; Path=/", "second=2; Path=/; HttpOnly"}
		return resp, err
	},
	http.MethodPost: func(_ context.Context, req middleware.Request) (middleware.Response, error) {
		body, err := base64.StdEncoding.DecodeString(req.Body)
		if !req.IsBase64Encoded || err != nil {
			return middleware.Response{}, &apperr.ValidationError{Message: "expected a binary body"}
		}
		return middleware.Binary(http.StatusOK, "application/octet-stream", body), nil
	},
}
"""


def add_echo_route(project: Path) -> None:
    """Serve ECHO_ROUTE at /echo from every HTTP function, and tell make dev about it."""
    (project / "internal/handler/echo.go").write_text(ECHO_ROUTE)
    for handler in (project / "internal/handler").glob("*.go"):
        source = handler.read_text()
        if "middleware.Routes{" in source:
            handler.write_text(source.replace("middleware.Routes{", 'middleware.Routes{\n"/echo": echoRoute,', 1))
    functions = project / "tools/localrun/functions.go"
    source = functions.read_text()
    assert "routes: []route{" in source
    functions.write_text(
        source.replace(
            "routes: []route{", 'routes: []route{{method: "GET", path: "/echo"}, {method: "POST", path: "/echo"},'
        )
    )


def send(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, bytes]:
    """One request: the status, the response's headers and its body."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_dev_carries_repeated_values_cookies_and_binary_bodies(copie: Any, tmp_path: Path) -> None:
    """Through `make dev`, every HTTP kind's handler gets every value of a repeated query
    parameter and every cookie, and the client gets every Set-Cookie header and binary bodies as
    bytes; behind an ALB target group without multi-value headers (the stack's), only a repeated
    parameter's last value and one cookie pass, as in AWS."""
    functions = [function(kind) for kind in HTTP_KINDS]
    project = generate(
        copie, functions=functions, aws_services=[], example_crud=False, api_auth="none", **ALB_CERTIFICATE_ANSWERS
    )
    add_echo_route(project)
    binary = b"\x89PNG\r\n\x1a\n\x00\xff"
    with dev_server(
        project, moto_env("http://127.0.0.1:9"), tmp_path / "dev.log", functions=len(HTTP_KINDS)
    ) as first_port:
        for offset, kind in enumerate(HTTP_KINDS):
            base = f"http://127.0.0.1:{first_port + offset}"
            every_value = kind != "alb"

            status, _, body = send("GET", f"{base}/hello?name=Ada&name=Grace")
            greeting = "Hello, Ada and Grace!" if every_value else "Hello, Grace!"
            assert (status, json.loads(body)) == (200, {"message": greeting}), kind

            status, headers, body = send("GET", f"{base}/echo?tag=a&tag=b", headers={"Cookie": "a=1; b=2"})
            assert status == 200, (kind, body)
            assert json.loads(body) == {"tags": ["a", "b"] if every_value else ["b"], "cookies": ["a=1", "b=2"]}, kind
            set_cookies = headers.get_all("Set-Cookie")
            want = ["first=1; Path=/", "second=2; Path=/; HttpOnly"] if every_value else ["first=1; Path=/"]
            assert set_cookies == want, kind

            status, headers, body = send("POST", f"{base}/echo", binary, {"Content-Type": "application/octet-stream"})
            assert (status, headers["Content-Type"], body) == (200, "application/octet-stream", binary), kind

            status, _, body = send("GET", f"{base}/hello?name=Ada&name=%20")
            assert status == 400 and json.loads(body)["field"] == "name", kind
    assert "Set-Cookie headers dropped" in (tmp_path / "dev.log").read_text(), "the ALB adapter says why"
