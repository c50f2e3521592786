"""Gates tier: the checks platform teams already run accept what the template generates
(golangci-lint, actionlint, zizmor, govulncheck) and the template's own code (ruff, actionlint,
zizmor)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions.services import SERVICES

from .conftest import ROOT, generate, render, require_tool, run
from .kinds import KIND_KEYS, alone

pytestmark = pytest.mark.gates

KITCHEN_SINK = {
    "functions": [
        {"name": "api", "event": "apigw-rest"},
        {"name": "admin-api", "event": "apigw-rest", "memory": 512},
        {"name": "public", "event": "apigw-rest", "timeout": 5},
    ],
}


def workflows(project: Path) -> list[str]:
    return sorted(str(p) for p in (project / ".github/workflows").glob("*.yml"))


def test_template_python_is_ruff_clean() -> None:
    ruff = str(Path(sys.executable).with_name("ruff"))
    run(ROOT, ruff, "check", "extensions", "scripts", "tests", "template/tools")
    run(ROOT, ruff, "format", "--check", "extensions", "scripts", "tests", "template/tools")


def test_template_workflows_pass_actionlint() -> None:
    run(ROOT, require_tool("actionlint"), "-no-color", *workflows(ROOT))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, ["ci.yml", "deploy.yml", "template-update.yml"]),
        ({"iac": "none"}, ["ci.yml", "template-update.yml"]),
        ({"update_workflow": False}, ["ci.yml", "deploy.yml"]),
        ({"ci": False}, []),
    ],
    ids=["default", "no-iac", "no-update-workflow", "no-ci"],
)
def test_generated_workflows_pass_actionlint(copie: Any, answers: dict[str, Any], expected: list[str]) -> None:
    project = render(copie, **answers)
    found = workflows(project) if (project / ".github").exists() else []
    assert [Path(p).name for p in found] == expected
    if found:
        run(project, require_tool("actionlint"), "-no-color", *found)
        assert (project / ".github/dependabot.yml").is_file()


PINNED_ACTION = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}")
# Node versions with support from their maintainers (Node 20 reached end of life on 2026-04-30).
SUPPORTED_NODE = {"22", "24"}


def steps_of(workflow: Path) -> list[dict[str, Any]]:
    return [step for job in yaml.safe_load(workflow.read_text())["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("answers", [{}, {"architecture": "x86_64"}], ids=["arm64", "x86_64"])
def test_workflows_pin_current_actions_by_commit(copie: Any, answers: dict[str, Any]) -> None:
    """Every action is pinned by full commit SHA with its version in a comment (Dependabot bumps
    both), checkouts keep no credentials, and the CDK steps use a supported Node."""
    project = render(copie, **answers)
    files = [Path(p) for p in workflows(project) + workflows(ROOT)]
    for workflow in files:
        lines = workflow.read_text().splitlines()
        for step in steps_of(workflow):
            if "uses" not in step:
                continue
            where = f"{workflow.name}: {step['uses']}"
            assert PINNED_ACTION.fullmatch(step["uses"]), where
            assert all(re.search(r"# v\d+\.\d+\.\d+$", line) for line in lines if step["uses"] in line), where
            if step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, where
            if step["uses"].startswith("actions/setup-node@"):
                assert str(step["with"]["node-version"]) in SUPPORTED_NODE, where
    ci = (project / ".github/workflows/ci.yml").read_text().splitlines()[0]
    assert f"race tests and {answers.get('architecture', 'arm64')} builds" in ci


def test_template_update_workflow_runs_weekly_with_least_privilege(copie: Any) -> None:
    """Weekly and on demand; the workflow may read, only its job may push a branch and open a
    pull request; the pull request carries the update's summary, its title the new version."""
    project = render(copie)
    workflow = yaml.safe_load((project / ".github/workflows/template-update.yml").read_text())
    assert workflow[True] == {"schedule": [{"cron": "0 6 * * 1"}], "workflow_dispatch": None}  # YAML 1.1: on
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["update"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    update = next(step for step in job["steps"] if step.get("id") == "update")
    assert update["shell"] == "bash"
    assert "make update ARGS=--defaults" in update["run"]
    pull_request = job["steps"][-1]
    assert pull_request["uses"].startswith("peter-evans/create-pull-request@")
    assert pull_request["with"]["body-path"] == "${{ runner.temp }}/summary.md"
    assert pull_request["with"]["token"] == "${{ secrets.TEMPLATE_UPDATE_TOKEN || github.token }}"
    assert pull_request["with"]["title"] == "Update from the template to ${{ steps.update.outputs.version }}"


# The deploy workflow's jobs: (job, GitHub environment, the job it waits for, STAGE it passes make).
DEPLOY_JOBS = {
    "dev,prod": [("deploy-dev", "dev", None, "dev"), ("deploy-prod", "prod", "deploy-dev", "prod")],
    "dev,staging,prod": [
        ("deploy-dev", "dev", None, "dev"),
        ("deploy-staging", "staging", "deploy-dev", "staging"),
        ("deploy-prod", "prod", "deploy-staging", "prod"),
    ],
    "": [("deploy", "production", None, None)],
}


@pytest.mark.parametrize("stages", list(DEPLOY_JOBS), ids=["default", "three-stages", "no-stages"])
def test_deploy_uses_oidc_and_a_protected_environment(copie: Any, stages: str) -> None:
    """One job per stage, each in the GitHub environment of its name and after the stage before it
    (dev -> prod), deploying that stage's stack only; without stages, one job in `production`."""
    project = render(copie, stages=stages)
    deploy = yaml.safe_load((project / ".github/workflows/deploy.yml").read_text())
    assert deploy["permissions"] == {"contents": "read"}
    assert [name for name in deploy["jobs"]] == [job for job, *_ in DEPLOY_JOBS[stages]]
    for name, environment, needs, stage in DEPLOY_JOBS[stages]:
        job = deploy["jobs"][name]
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        assert (job["environment"], job.get("needs")) == (environment, needs)
        credentials = next(
            s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")
        )
        assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
        assert "aws-access-key-id" not in credentials["with"]
        assert credentials["with"]["aws-region"] == "${{ vars.AWS_REGION || 'us-east-1' }}"
        commands = [step["run"] for step in job["steps"] if "run" in step]
        stage_args = {word for run in commands for word in run.split() if word.startswith("STAGE=")}
        assert stage_args == ({f"STAGE={stage}"} if stage else set()), name


# Event data an attacker can choose (branch names, commit messages, titles...): never straight into a
# shell script, where ${{ }} is pasted in before the shell parses it.
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def make_targets(run: str) -> list[str]:
    """The make targets a step's script runs (`make [flags] target ...`)."""
    return [word for line in run.splitlines() for word in re.findall(r"\bmake\s+(?:-\S+\s+)*([a-z][a-z-]*)", line)]


def test_deploy_runs_unattended_after_ci_passes_on_main(copie: Any) -> None:
    """After a successful `ci` run for a push to main (or by hand on main), exactly the commit CI
    tested: its cdk diff into the job summary, then a deploy that does not ask (the production
    environment's reviewers approve instead). `make deploy`, which asks, is never run here."""
    project = render(copie)
    text = (project / ".github/workflows/deploy.yml").read_text()
    deploy = yaml.safe_load(text)
    assert deploy[True] == {  # YAML 1.1 reads the key `on` as True
        "workflow_run": {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]},
        "workflow_dispatch": None,
    }
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    assert ci["name"] in deploy[True]["workflow_run"]["workflows"]
    assert list(deploy["jobs"]) == ["deploy-dev", "deploy-prod"]
    for job in deploy["jobs"].values():
        assert_deploys_unattended_what_ci_tested(job, text)


def assert_deploys_unattended_what_ci_tested(job: dict[str, Any], text: str) -> None:
    condition = " ".join(job["if"].split())
    assert "github.event.workflow_run.conclusion == 'success'" in condition
    assert "github.event.workflow_run.event == 'push'" in condition
    assert "github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'" in condition
    assert job["env"]["DEPLOY_SHA"] == "${{ github.event.workflow_run.head_sha || github.sha }}"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {"ref": "${{ env.DEPLOY_SHA }}", "persist-credentials": False}
    assert "AWS_DEPLOY_ROLE_ARN" in text and "required reviewers" in text.split("name: deploy")[0]

    runs = [step for step in job["steps"] if "run" in step]
    targets = [target for step in runs for target in make_targets(step["run"])]
    assert targets == ["infra-install", "diff", "deploy-unattended"]
    diff = next(step for step in runs if "diff" in make_targets(step["run"]))
    assert re.search(r'>> "\$GITHUB_STEP_SUMMARY"', diff["run"])
    assert "$DEPLOY_SHA" in diff["run"]
    for step in runs:
        assert not EXPRESSION.search(step["run"]), f"an expression inside run: {step['run']!r}"
    # The Makefile's targets decide about approval (see the next test); the header says who approves.
    assert not any("--require-approval" in step["run"] for step in runs)
    assert "--require-approval never" in text.split("name: deploy")[0]


def test_require_approval_never_only_where_the_workflow_deploys(copie: Any) -> None:
    """In the Makefile, only deploy-unattended (the workflow's target) skips cdk's approval prompt;
    the deploy people run keeps asking about broadening changes."""
    project = render(copie)
    makefile = (project / "Makefile").read_text()
    recipes = dict(re.findall(r"^([a-z][a-z-]*):.*\n((?:\t.*\n)+)", makefile, re.M))
    never = sorted(target for target, recipe in recipes.items() if "--require-approval never" in recipe)
    assert never == ["deploy-unattended"]
    assert "--require-approval broadening" in recipes["deploy"]
    assert makefile.count("--require-approval never") == 1


@pytest.mark.parametrize(
    "answers",
    [{}, KITCHEN_SINK, {"example_crud": False, "aws_services": []}],
    ids=["default", "kitchen-sink", "no-example"],
)
def test_golangci_lint_finds_nothing(copie: Any, answers: dict[str, Any]) -> None:
    project = generate(copie, **answers)
    run(project, require_tool("golangci-lint"), "run", "./...")


def test_golangci_lint_accepts_every_service_and_its_integration_tests(copie: Any) -> None:
    """Every service package, its unit tests and its integration tests (build tag integration)."""
    functions = [{"name": "worker", "event": "direct"}]
    project = generate(copie, functions=functions, aws_services=list(SERVICES), example_crud=False)
    run(project, require_tool("golangci-lint"), "run", "--build-tags", "integration", "./...")


def test_golangci_lint_accepts_every_kind_together(every_kind_project: Path) -> None:
    run(every_kind_project, require_tool("golangci-lint"), "run", "./...")


def test_golangci_lint_accepts_idempotency_and_tracing(production_project: Path) -> None:
    """internal/idempotency (with its integration test), internal/tracing and the handlers and
    mains that use them; staticcheck would report a deprecated OpenTelemetry contrib module. The
    packages these answers change only: the others are linted with every kind."""
    packages = ["./cmd/...", "./internal/handler/...", "./internal/idempotency/...", "./internal/tracing/..."]
    run(production_project, require_tool("golangci-lint"), "run", "--build-tags", "integration", *packages)


@pytest.mark.parametrize("key", KIND_KEYS)
def test_golangci_lint_accepts_each_kind_alone(copie: Any, key: str) -> None:
    """Alone, a kind must not leave shared helpers unused (middleware, batch, test helpers)."""
    run(generate(copie, **alone(key)), require_tool("golangci-lint"), "run", "./...")


# --- zizmor: the workflows' security audit -----------------------------------------------------

ZIZMOR = str(Path(sys.executable).with_name("zizmor"))
# Every set of workflows the template can generate (with ci), and the template's own.
WORKFLOW_SETS = [
    pytest.param({}, id="default"),
    pytest.param({"iac": "none"}, id="no-iac"),
    pytest.param({"update_workflow": False}, id="no-update-workflow"),
    pytest.param({"architecture": "x86_64", "cdk_bundling": "go-function", "alarms": True}, id="x86_64-go-function"),
    pytest.param(None, id="template-repository"),
]


def audited_dir(copie: Any, answers: dict[str, Any] | None) -> Path:
    """What zizmor audits: a generated project (its workflows and Dependabot configuration), or
    the template repository's own .github."""
    return ROOT / ".github" if answers is None else render(copie, **answers)


def zizmor(directory: Path, *flags: str) -> tuple[int, list[dict[str, Any]]]:
    """zizmor's exit code and findings (JSON), offline, auditing everything it collects. Without
    any configuration file: a finding is accepted only inline, where its reason is."""
    done = subprocess.run(
        [ZIZMOR, "--offline", "--no-config", "--strict-collection", "--format", "json", *flags, "."],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, *range(10, 15)), f"zizmor failed ({done.returncode}): {done.stderr}"
    return done.returncode, json.loads(done.stdout)


@dataclass(frozen=True)
class Finding:
    rule: str
    path: Path
    line: int  # 1-based, of the finding's primary location


def findings(directory: Path, raw: list[dict[str, Any]]) -> list[Finding]:
    found = []
    for finding in raw:
        (primary,) = [loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary"]
        path = (directory / primary["symbolic"]["key"]["Local"]["verbatim_path"]).resolve()
        found.append(Finding(finding["ident"], path, primary["concrete"]["location"]["start_point"]["row"] + 1))
    return found


INLINE_IGNORE = re.compile(r"#\s*zizmor:\s*ignore\[([^\]]*)\](.*)$")


@dataclass(frozen=True)
class Ignore:
    """An inline `# zizmor: ignore[rules]` comment and the reason given with it."""

    path: Path
    line: int
    rules: frozenset[str]
    reason: str


def inline_ignores(path: Path) -> Iterator[Ignore]:
    """The inline ignores of a file, each with its reason: the text after it on its line, or else
    the comment on the line before."""
    lines = path.read_text().splitlines()
    for index, line in enumerate(lines):
        found = INLINE_IGNORE.search(line)
        if found is None:
            continue
        reason = found[2].strip(" \t-:;—")
        before = lines[index - 1].strip() if index > 0 else ""
        if not reason and before.startswith("#") and not INLINE_IGNORE.search(before):
            reason = before.lstrip("#").strip()
        rules = frozenset(rule.strip() for rule in found[1].split(","))
        yield Ignore(path.resolve(), index + 1, rules, reason)


def unjustified(ignores: list[Ignore], unfiltered: list[Finding]) -> list[str]:
    """What is wrong with a set of inline ignores: one without a reason (three words at least),
    one that ignores no finding, a finding that no ignore covers."""
    problems = [
        f"{i.path.name}:{i.line}: ignore[{','.join(sorted(i.rules))}] gives no reason"
        for i in ignores
        if len(i.reason.split()) < 3
    ]
    covered = {(i.path, i.line, rule) for i in ignores for rule in i.rules}
    hits = {(f.path, f.line, f.rule) for f in unfiltered}
    problems += [f"{p.name}:{line}: ignore[{rule}] ignores no finding" for p, line, rule in sorted(covered - hits)]
    problems += [f"{p.name}:{line}: {rule} is not ignored inline" for p, line, rule in sorted(hits - covered)]
    return problems


@pytest.mark.parametrize("answers", WORKFLOW_SETS)
def test_zizmor_finds_nothing_and_every_ignore_says_why(copie: Any, answers: dict[str, Any] | None) -> None:
    """zizmor (default persona) reports nothing on any set of workflows; run again without the
    inline ignores, each finding it then reports has a `# zizmor: ignore[rule]` on its line with
    its reason there or on the line before, and no ignore is left over."""
    directory = audited_dir(copie, answers)
    code, reported = zizmor(directory)
    assert (code, reported) == (0, []), [(f.rule, f.path.name, f.line) for f in findings(directory, reported)]

    _, unfiltered = zizmor(directory, "--no-ignores")
    audited = {f.path for f in findings(directory, unfiltered)} | set(directory.rglob("*.yml"))
    ignores = [ignore for path in sorted(audited) for ignore in inline_ignores(path)]
    assert unjustified(ignores, findings(directory, unfiltered)) == []


def test_the_zizmor_gate_can_fail(tmp_path: Path) -> None:
    """A workflow with an unpinned action and an attacker's title in a script: zizmor reports both
    (high severity: exit 14); an ignore without a reason, or one that ignores nothing, is refused."""
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "name: bad\non: pull_request\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n"
        "    permissions: {}\n    steps:\n"
        "      - uses: actions/checkout@v4 # zizmor: ignore[unpinned-uses]\n"
        "        with:\n          persist-credentials: false\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
        "      # zizmor: ignore[template-injection]\n"
        "      - run: echo hello # zizmor: ignore[excessive-permissions] the job has none\n"
    )
    code, reported = zizmor(tmp_path, "--no-ignores")
    assert code == 14
    found = findings(tmp_path, reported)
    assert {(f.rule, f.line) for f in found} >= {("unpinned-uses", 9), ("template-injection", 12)}
    assert unjustified(list(inline_ignores(workflows / "bad.yml")), found) == [
        "bad.yml:9: ignore[unpinned-uses] gives no reason",
        "bad.yml:13: ignore[template-injection] gives no reason",
        "bad.yml:13: ignore[template-injection] ignores no finding",
        "bad.yml:14: ignore[excessive-permissions] ignores no finding",
        "bad.yml:12: template-injection is not ignored inline",
    ]


# Who may write what: the only jobs with a write permission, and those permissions.
WRITE_PERMISSIONS = {
    ("deploy.yml", "deploy"): {"id-token"},
    ("deploy.yml", "deploy-dev"): {"id-token"},
    ("deploy.yml", "deploy-prod"): {"id-token"},
    ("template-update.yml", "update"): {"contents", "pull-requests"},
}


@pytest.mark.parametrize("answers", WORKFLOW_SETS)
def test_every_job_has_least_privilege_permissions(copie: Any, answers: dict[str, Any] | None) -> None:
    """The workflow's default is read-only, and every job says what it may do: read its contents,
    and write only where WRITE_PERMISSIONS says."""
    directory = audited_dir(copie, answers)
    files = sorted((directory if answers is None else directory / ".github").glob("workflows/*.yml"))
    assert files, "no workflow: this test would prove nothing"
    for path in files:
        workflow = yaml.safe_load(path.read_text())
        assert workflow["permissions"] in ({"contents": "read"}, {}), path.name
        for name, job in workflow["jobs"].items():
            permissions = job.get("permissions")
            assert isinstance(permissions, dict), f"{path.name}: job {name} does not say its permissions"
            assert set(permissions.values()) <= {"read", "write", "none"}, f"{path.name}: {name}"
            writes = {scope for scope, level in permissions.items() if level == "write"}
            assert writes == WRITE_PERMISSIONS.get((path.name, name), set()), f"{path.name}: job {name}"


# --- govulncheck: make vuln, against an offline copy of the Go vulnerability database -----------

LAMBDA_MODULE = "github.com/aws/aws-lambda-go"
FIXTURE_VULN = "GO-2099-0001"


def vuln_db(directory: Path, module: str, fixed: str) -> str:
    """A Go vulnerability database (https://go.dev/security/vuln/database, v1 layout) with one
    entry: `module` before version `fixed` is vulnerable in lambda.StartWithOptions, which every
    generated main calls. Returns its file:// URL, as govulncheck's -db takes it."""
    modified = "2099-01-01T00:00:00Z"
    entry = {
        "schema_version": "1.3.1",
        "id": FIXTURE_VULN,
        "modified": modified,
        "published": modified,
        "aliases": [],
        "summary": "Fixture: lambda.StartWithOptions is vulnerable",
        "details": "An entry of the template's tests, not a real vulnerability.",
        "affected": [
            {
                "package": {"name": module, "ecosystem": "Go"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                "ecosystem_specific": {"imports": [{"path": f"{module}/lambda", "symbols": ["StartWithOptions"]}]},
            }
        ],
        # govulncheck v1.9.0 crashed on an entry without it.
        "database_specific": {"url": f"https://pkg.go.dev/vuln/{FIXTURE_VULN}"},
    }
    files = {
        "index/db.json": {"modified": modified},
        "index/modules.json": [{"path": module, "vulns": [{"id": FIXTURE_VULN, "modified": modified, "fixed": fixed}]}],
        "index/vulns.json": [{"id": FIXTURE_VULN, "modified": modified, "aliases": []}],
        f"ID/{FIXTURE_VULN}.json": entry,
    }
    for name, content in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(json.dumps(content))
    return directory.resolve().as_uri()


def required_version(project: Path, module: str) -> str:
    requires = json.loads(run(project, "go", "mod", "edit", "-json"))["Require"]
    return next(r["Version"] for r in requires if r["Path"] == module)


def make_vuln(project: Path, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "vuln", f"VULN_DB={db}"], cwd=project, capture_output=True, text=True, check=False)


def json_stream(text: str) -> list[dict[str, Any]]:
    """govulncheck -format json prints one JSON object after another."""
    decoder, objects, at = json.JSONDecoder(), [], 0
    while (at := len(text) - len(text[at:].lstrip())) < len(text):
        found, at = decoder.raw_decode(text, at)
        objects.append(found)
    return objects


def test_make_vuln_reports_a_vulnerable_version_the_code_calls(default_project: Path, tmp_path: Path) -> None:
    """The version of aws-lambda-go the project requires, marked vulnerable in the function its
    mains call: govulncheck exits 3 (make reports it), names the entry, the version, the fix and
    the call, and its JSON traces the finding from the module's function to the project's main."""
    version = required_version(default_project, LAMBDA_MODULE)
    major, minor, patch = version.removeprefix("v").split(".")
    fixed = f"{major}.{minor}.{int(patch) + 1}"
    db = vuln_db(tmp_path / "db", LAMBDA_MODULE, fixed)

    done = make_vuln(default_project, db)

    assert done.returncode == 2, done.stdout + done.stderr
    assert re.search(r"^make: \*\*\* \[Makefile:\d+: vuln\] Error 3$", done.stderr, re.M), done.stderr
    assert f"Vulnerability #1: {FIXTURE_VULN}" in done.stdout
    assert f"Found in: {LAMBDA_MODULE}@{version}" in done.stdout
    assert f"Fixed in: {LAMBDA_MODULE}@v{fixed}" in done.stdout
    assert "Your code is affected by 1 vulnerability from 1 module." in done.stdout

    pinned = re.search(r"^GOVULNCHECK_VERSION := (\S+)$", (default_project / "Makefile").read_text(), re.M)[1]
    govulncheck = default_project / ".tools" / f"govulncheck-{pinned}" / "govulncheck"
    assert govulncheck.is_file(), "make vuln installs the pinned govulncheck into .tools/"
    messages = json_stream(run(default_project, str(govulncheck), "-format", "json", "-db", db, "./..."))
    (config,) = [m["config"] for m in messages if "config" in m]
    assert (config["scanner_version"], config["db"]) == (pinned, db)
    traces = [m["finding"]["trace"] for m in messages if "finding" in m and m["finding"]["osv"] == FIXTURE_VULN]
    called = [trace for trace in traces if trace[0].get("function") == "StartWithOptions"]
    assert called, traces
    assert (called[0][0]["module"], called[0][0]["version"]) == (LAMBDA_MODULE, version)
    assert called[0][-1]["package"].endswith("/cmd/api"), "traced to the function's main"


def test_make_vuln_passes_when_the_version_has_the_fix(default_project: Path, tmp_path: Path) -> None:
    """The same entry, fixed in exactly the version the project requires: nothing to report."""
    db = vuln_db(tmp_path / "db", LAMBDA_MODULE, required_version(default_project, LAMBDA_MODULE).removeprefix("v"))

    done = make_vuln(default_project, db)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No vulnerabilities found." in done.stdout


def test_ci_runs_govulncheck_with_the_newest_go_patch_release(copie: Any) -> None:
    """CI runs make vuln; CI and the deploy build with the newest patch release of the project's Go
    minor version, so that the standard library's fixes reach the functions."""
    project = render(copie)
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    assert "make vuln" in [step.get("run") for step in ci["jobs"]["go"]["steps"]]
    deploy = yaml.safe_load((project / ".github/workflows/deploy.yml").read_text())
    for job in (ci["jobs"]["go"], ci["jobs"]["infrastructure"], *deploy["jobs"].values()):
        (setup,) = [step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-go@")]
        assert setup["with"] == {"go-version": "1.26", "check-latest": True}
