"""Go tier: generated projects are gofmt-clean, tidy, vet-clean, pass `go test -race` and build
static bootstraps for the chosen architecture, byte for byte reproducibly."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from plumbum import local

from extensions import gomod, naming
from extensions.services import SERVICES

from .conftest import generate, render, run
from .elf import read_build_info, read_elf
from .kinds import BATCH_KINDS, EVERY_KIND, KIND_KEYS, alone, every_kind_twice

pytestmark = pytest.mark.go


def go_test(project: Path) -> dict[str, int]:
    """`go test -race -json`, parsed: counts of passed and failed tests."""
    return go_test_by_package(project)[""]


def go_test_by_package(project: Path) -> dict[str, dict[str, int]]:
    """`go test -race -json`, parsed: counts of passed and failed tests by package import path,
    and of all of them under ""."""
    out = run(project, "go", "test", "-race", "-count=1", "-json", "./...")
    counts: dict[str, dict[str, int]] = {"": {"pass": 0, "fail": 0}}
    for line in out.splitlines():
        event = json.loads(line)
        if event.get("Test") and event.get("Action") in counts[""]:
            counts[""][event["Action"]] += 1
            package = counts.setdefault(event["Package"], {"pass": 0, "fail": 0})
            package[event["Action"]] += 1
    return counts


def test_raw_render_is_gofmt_clean(default_render: Path) -> None:
    """Templates render formatted Go, so the gofmt task is a no-op."""
    assert run(default_render, "gofmt", "-l", ".").strip() == ""


def test_go_mod_is_tidy_and_pinned(default_project: Path) -> None:
    mod = json.loads(run(default_project, "go", "mod", "edit", "-json"))
    assert mod["Module"]["Path"] == "github.com/example/my-service"
    assert mod["Go"] == "1.26.0"
    required = {r["Path"]: r["Version"] for r in mod["Require"]}
    for path in ("github.com/aws/aws-lambda-go", "github.com/aws/aws-sdk-go-v2/service/dynamodb"):
        assert required[path] == gomod.VERSIONS[path]
    run(default_project, "go", "mod", "tidy", "-diff")
    run(default_project, "go", "mod", "verify")


def test_vet_and_race_tests(default_project: Path) -> None:
    run(default_project, "go", "vet", "./...")
    counts = go_test(default_project)
    assert counts["fail"] == 0
    assert counts["pass"] >= 20, counts


def test_build_makes_static_arm64_bootstraps(default_project: Path) -> None:
    run(default_project, "make", "build")
    info = read_elf(default_project / "build/api/bootstrap")
    assert info.architecture == "arm64"
    assert info.static


def test_deployed_bootstraps_leave_the_default_config_chain_out(default_project: Path) -> None:
    """make build tags the bootstraps awsconfig.lambdaonly: config.LoadDefaultConfig and the SSO, STS
    and IMDS clients it brings are not linked; the package's tests pass in that build too."""
    run(default_project, "make", "build")
    deps = read_build_info(default_project / "build/api/bootstrap").modules
    assert f"{gomod.SDK}/credentials" in deps and f"{gomod.SDK}/service/dynamodb" in deps, deps
    assert not {f"{gomod.SDK}/config", f"{gomod.SDK}/service/sts", f"{gomod.SDK}/service/sso"} & deps, deps
    tags = ["-tags", "awsconfig.lambdaonly"]
    run(default_project, "go", "vet", *tags, "./internal/awsconfig/")
    out = run(default_project, "go", "test", "-json", "-count=1", *tags, "./internal/awsconfig/")
    actions = [json.loads(line) for line in out.splitlines()]
    passed = {a["Test"] for a in actions if a.get("Action") == "pass" and "Test" in a}
    failed = {a["Test"] for a in actions if a.get("Action") == "fail" and "Test" in a}
    assert "TestLoadWithoutTheDefaultChain" in passed and not failed, (passed, failed)
    # The README's way to keep the chain in.
    try:
        run(default_project, "make", "build", "DEPLOY_TAGS=lambda.norpc")
        assert f"{gomod.SDK}/config" in read_build_info(default_project / "build/api/bootstrap").modules
    finally:
        run(default_project, "make", "build")


def test_builds_are_reproducible(default_project: Path, tmp_path: Path) -> None:
    """Same source, another directory: same bytes, so CDK redeploys only real changes."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(default_project, elsewhere, ignore=shutil.ignore_patterns("build", "node_modules", "cdk.out"))
    run(default_project, "make", "build")
    run(elsewhere, "make", "build")

    def digest(project: Path) -> str:
        return hashlib.sha256((project / "build/api/bootstrap").read_bytes()).hexdigest()

    assert digest(default_project) == digest(elsewhere)


def test_build_rewrites_only_the_bootstraps_whose_code_changed(copie: Any) -> None:
    """make build is one `go build` of every function: a second run rewrites no bootstrap (not
    even its time stamp), a change to one function rewrites that one, GOARCH still rebuilds them
    all, and build/<fn>/bootstrap builds one function. v2 is a name go would not give its binary."""
    names = ["alpha", "beta", "v2"]
    project = generate(copie, functions=[{"name": n, "event": "direct"} for n in names], iac="none")
    bootstraps = {n: project / "build" / n / "bootstrap" for n in names}
    old = 1_000_000_000  # 2001: any rewrite or touch of a bootstrap moves its time off this

    def age() -> None:
        for path in bootstraps.values():
            os.utime(path, (old, old))

    def rewritten() -> list[str]:
        return sorted(n for n, path in bootstraps.items() if path.stat().st_mtime != old)

    run(project, "make", "build")
    assert {n: read_elf(path).architecture for n, path in bootstraps.items()} == dict.fromkeys(names, "arm64")
    before = {n: path.read_bytes() for n, path in bootstraps.items()}
    age()
    run(project, "make", "build")
    assert rewritten() == []

    (project / "cmd/beta/changed.go").write_text('package main\n\nfunc init() { println("changed") }\n')
    run(project, "make", "build")
    assert rewritten() == ["beta"]
    assert bootstraps["beta"].read_bytes() != before["beta"]
    assert bootstraps["alpha"].read_bytes() == before["alpha"]

    age()
    run(project, "make", "build", "GOARCH=amd64")
    assert rewritten() == names
    assert {n: read_elf(path).architecture for n, path in bootstraps.items()} == dict.fromkeys(names, "x86_64")

    shutil.rmtree(project / "build" / "alpha")
    age_of = {n: bootstraps[n].stat().st_mtime for n in ("beta", "v2")}
    run(project, "make", "build/alpha/bootstrap", "GOARCH=amd64")
    assert read_elf(bootstraps["alpha"]).architecture == "x86_64"
    assert {n: bootstraps[n].stat().st_mtime for n in ("beta", "v2")} == age_of


@pytest.mark.parametrize(
    "answers",
    [
        {"architecture": "x86_64"},
        {"example_crud": False, "aws_services": []},
        {
            "functions": [
                {"name": "public-api", "event": "apigw-rest"},
                {"name": "admin", "event": "apigw-rest", "memory": 512, "timeout": 10},
            ]
        },
    ],
    ids=["x86_64", "no-example", "two-rest-functions"],
)
def test_variants_build_and_pass_their_tests(copie: Any, answers: dict[str, Any]) -> None:
    project = render(copie, **answers)  # raw render: gofmt must have nothing to fix
    assert run(project, "gofmt", "-l", ".").strip() == ""
    rendered_go_mod = (project / "go.mod").read_text()
    run(project, "go", "mod", "tidy")  # what the task does: write go.sum
    assert (project / "go.mod").read_text() == rendered_go_mod, "the rendered go.mod is not tidy"
    run(project, "go", "vet", "./...")
    counts = go_test(project)
    assert counts["fail"] == 0 and counts["pass"] > 0
    run(project, "make", "build")
    run(project, "make", "check-migration")  # x86_64 projects pass: their Makefile allows it
    expected = "x86_64" if answers.get("architecture") == "x86_64" else "arm64"
    names = [f["name"] for f in answers.get("functions", [{"name": "api"}])]
    for name in names:
        assert read_elf(project / "build" / name / "bootstrap").architecture == expected


def test_generation_without_go_keeps_every_file(copie: Any, capfd: pytest.CaptureFixture[str]) -> None:
    """No Go on PATH: the project is still written and the user is told what to run."""
    without_go = os.pathsep.join(
        entry for entry in os.environ["PATH"].split(os.pathsep) if not (Path(entry) / "go").exists()
    )
    with local.env(PATH=without_go):
        assert shutil.which("go", path=without_go) is None
        project = generate(copie)
    reference = render(copie)

    def listing(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in root.rglob("*") if ".git" not in p.parts)

    assert listing(project) == listing(reference)
    assert f"cd {project} && go mod tidy" in capfd.readouterr().err


def test_every_kind_vets_tests_and_builds(every_kind_project: Path) -> None:
    """One function of every kind (and two of some) in one module: vet, race tests, arm64 builds."""
    project = every_kind_project
    assert run(project, "gofmt", "-l", ".").strip() == ""
    run(project, "go", "vet", "./...")
    out = run(project, "go", "test", "-race", "-count=1", "-json", "./internal/...")
    passed = {
        event["Test"]
        for event in map(json.loads, out.splitlines())
        if event.get("Test") and event.get("Action") == "pass"
    }
    failed = [line for line in out.splitlines() if '"Action":"fail"' in line]
    assert not failed, failed[:5]
    # Each function's own tests ran: its test names carry its handler type.
    for fn in EVERY_KIND:
        handler_type = plan_handler_type(fn["name"])
        assert any(handler_type in test for test in passed), f"no passing test of {fn['name']}"
    run(project, "make", "build")
    for fn in EVERY_KIND:
        info = read_elf(project / "build" / fn["name"] / "bootstrap")
        assert info.architecture == "arm64" and info.static, fn["name"]


def test_two_of_every_kind_with_every_service_vet_test_and_build(every_kind_twice_project: Path) -> None:
    """A kind's Go names are all per function, and every kind's handler takes every service."""
    project = every_kind_twice_project
    assert run(project, "gofmt", "-l", ".").strip() == ""
    run(project, "go", "vet", "./...")
    counts = go_test_by_package(project)
    assert counts[""]["fail"] == 0 and counts[""]["pass"] > 0, counts[""]
    # outbound_base_url is set: the HTTP client's tests against httptest servers ran.
    assert counts["github.com/example/my-service/internal/outbound"]["pass"] >= 10
    run(project, "make", "build")
    functions = every_kind_twice()["functions"]
    built = sorted(p.parent.name for p in (project / "build").glob("*/bootstrap"))
    assert built == sorted(fn["name"] for fn in functions)
    for fn in functions:
        main = (project / "cmd" / fn["name"] / "main.go").read_text()
        assert "awsconfig.Load(ctx)" in main, f"{fn['name']} builds no AWS clients"


# A line of `go test -bench` output with allocations: name/sub-benchmark[-GOMAXPROCS] N ns/op B/op allocs/op.
BENCH_LINE = re.compile(
    r"^Benchmark(?P<name>[^/\s]+)/(?P<event>\S+?)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+\d+ B/op\s+\d+ allocs/op$"
)


def test_make_bench_measures_every_handler_on_each_sample_event(every_kind_project: Path) -> None:
    """make bench runs one benchmark per function (the users example's too), one sub-benchmark per
    sample event in events/<fn>/, each reporting its allocations, and none fails."""
    out = run(every_kind_project, "make", "bench", "BENCHTIME=1x")
    measured = {(m["name"], m["event"]) for m in map(BENCH_LINE.match, out.splitlines()) if m}
    expected = {
        (plan_handler_type(fn["name"]), sample.name)
        for fn in EVERY_KIND
        for sample in (every_kind_project / "events" / fn["name"]).glob("*.json")
    }
    assert measured == expected


def test_batch_handlers_report_only_the_bad_record(every_kind_project: Path) -> None:
    """The tests of the failed items exist and pass for every batch kind: ..._reportsOnlyFailedItems,
    or ..._stopsAtTheFirstFailure for a stream of the users example."""
    names = [fn["name"] for fn in EVERY_KIND if fn["event"] in BATCH_KINDS]
    pattern = "|".join(f"Test{plan_handler_type(name)}" for name in names)
    out = run(every_kind_project, "go", "test", "-count=1", "-json", "-run", f"^({pattern})", "./internal/handler")
    events = [json.loads(line) for line in out.splitlines()]
    passed = {e["Test"] for e in events if e.get("Test") and e.get("Action") == "pass"}
    assert not [e for e in events if e.get("Action") == "fail"]
    for name in names:
        prefix = f"Test{plan_handler_type(name)}"
        failure_tests = [t for t in passed if t.startswith(prefix) and ("OnlyFailed" in t or "FirstFailure" in t)]
        assert failure_tests, f"{name}: {sorted(passed)}"


def plan_handler_type(name: str) -> str:
    return f"{naming.go_type_name(name)}Handler"


@pytest.mark.parametrize("key", list(SERVICES))
def test_each_service_alone_renders_a_tidy_go_mod(copie: Any, key: str) -> None:
    """A service's modules are complete on their own: no other service brings one it needs."""
    project = render(copie, functions=[{"name": "worker", "event": "direct"}], aws_services=[key], example_crud=False)
    rendered_go_mod = (project / "go.mod").read_text()
    run(project, "go", "mod", "tidy")  # a raw render has no go.sum yet: tidy writes it
    assert (project / "go.mod").read_text() == rendered_go_mod, "the rendered go.mod is not tidy"
    run(project, "go", "vet", f"./internal/{SERVICES[key].package}/...")


@pytest.mark.parametrize("key", KIND_KEYS)
def test_each_kind_alone_vets_and_builds(copie: Any, key: str) -> None:
    """Shared code (middleware, batch, test helpers) is present exactly when a kind needs it."""
    project = render(copie, **alone(key))
    assert run(project, "gofmt", "-l", ".").strip() == ""
    rendered_go_mod = (project / "go.mod").read_text()
    run(project, "go", "mod", "tidy")
    assert (project / "go.mod").read_text() == rendered_go_mod, "the rendered go.mod is not tidy"
    run(project, "go", "vet", "./...")
    counts = go_test(project)
    assert counts["fail"] == 0 and counts["pass"] > 0
    run(project, "make", "build")
    name = alone(key)["functions"][0]["name"]
    assert read_elf(project / "build" / name / "bootstrap").architecture == "arm64"


# A row of `make measure`'s table: function, bootstrap bytes, zipped bytes, INIT ms, first invoke ms, budget.
MEASURE_ROW = re.compile(
    r"^(?P<fn>[a-z][a-z0-9-]*) +(?P<raw>\d[\d,]*) +(?P<zipped>\d[\d,]*) +(?P<init>\d+\.\d) +(?P<first>\d+\.\d)"
    r" +(?P<budget>\S.*)$"
)


def make_measure(project: Path, *args: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    """`make measure [args]`: its exit code, its table's rows by function (sizes as ints), and stderr."""
    with local.cwd(project):
        code, out, err = local["make"]["--no-print-directory", "measure", *args].run(retcode=None)
    rows = {}
    for match in map(MEASURE_ROW.match, out.splitlines()):
        if match:
            row: dict[str, Any] = match.groupdict()
            row.update({key: int(row[key].replace(",", "")) for key in ("raw", "zipped")})
            rows[row.pop("fn")] = row
    return code, rows, f"{out[-6000:]}\n{err[-6000:]}"


def test_make_measure_measures_every_function_without_a_budget(every_kind_project: Path) -> None:
    """Every function of every kind starts offline (placeholders, no AWS) and gets its sizes and
    durations; with no budget file the table is all, and the run passes."""
    assert not (every_kind_project / "performance-budget.json").exists()
    code, rows, output = make_measure(every_kind_project)
    assert code == 0, output
    assert set(rows) == {fn["name"] for fn in EVERY_KIND}, output
    for fn, row in rows.items():
        assert 0 < row["zipped"] < row["raw"], (fn, row)
        assert row["budget"] == "-", (fn, row)
        timed = read_build_info(every_kind_project / "build/measure" / fn / "bootstrap").settings
        deployed = read_build_info(every_kind_project / "build" / fn / "bootstrap").settings
        assert timed["-tags"] == deployed["-tags"] == "lambda.norpc,awsconfig.lambdaonly", "durations as deployed"
    assert not (every_kind_project / "performance-budget.json").exists()


def test_make_measure_writes_the_budget_and_fails_past_it(copie: Any) -> None:
    """BUDGET=write writes the figures; the next run is within them; a figure shrunk in the file
    fails the run with a message naming the function and the figure."""
    project = generate(copie)
    budget_file = project / "performance-budget.json"
    code, rows, output = make_measure(project, "BUDGET=write")
    assert code == 0, output
    budget = json.loads(budget_file.read_text())
    assert budget["margin_percent"] == {"bootstrap_bytes": 10, "zipped_bytes": 10, "init_ms": 100}
    assert set(budget["functions"]) == set(rows) == {"api"}, output
    assert budget["functions"]["api"]["bootstrap_bytes"] == rows["api"]["raw"]
    assert budget["functions"]["api"]["zipped_bytes"] == rows["api"]["zipped"]

    # Durations are not what this test is about: INIT reported only, as the README allows.
    budget["margin_percent"]["init_ms"] = None
    budget_file.write_text(json.dumps(budget))
    code, rows, output = make_measure(project)
    assert code == 0, output
    assert set(rows) == {"api"}, output

    budget["functions"]["api"]["zipped_bytes"] //= 2
    budget_file.write_text(json.dumps(budget))
    code, rows, output = make_measure(project)
    assert code != 0, output
    assert re.search(r"^api: zipped_bytes is [\d,]+ B, [\d.]+% over its budget of [\d,]+ B", output, re.M), output
    assert rows["api"]["budget"] == "OVER: zipped_bytes", output


def test_idempotency_and_tracing_modules_are_tidy_and_maintained(production_project: Path) -> None:
    """go.mod as rendered is tidy with idempotency and tracing spans on; it pins AWS's X-Ray UDP
    exporter at the one version the proxy serves, and none of the deprecated OpenTelemetry contrib
    modules (otelaws, the AWS propagators) nor the X-Ray SDK."""
    mod = json.loads(run(production_project, "go", "mod", "edit", "-json"))
    required = {r["Path"]: r["Version"] for r in mod["Require"]}
    assert required["github.com/aws-observability/aws-otel-go/exporters/xrayudp"] == "v1.0.0"
    assert required["go.opentelemetry.io/otel/sdk"] == gomod.VERSIONS["go.opentelemetry.io/otel/sdk"]
    unmaintained = ("go.opentelemetry.io/contrib", "github.com/aws/aws-xray-sdk-go")
    assert not [path for path in required if path.startswith(unmaintained)]
    run(production_project, "go", "mod", "tidy", "-diff")
