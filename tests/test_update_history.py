"""Update tier, from the template's real history: a project generated from each release in
CHANGELOG.md (the commit its heading names), with the defaults and with the `event-driven` preset
where that release had it, carries a user's work written the way the generated code is, and
updates to this checkout cleanly: no conflict, every edit kept, and `make vet test build synth`
pass. A Breaking change without a deprecation shim or a migration fails here.

The releases are tagged in a throwaway clone of this repository, never here; this checkout's
working tree is committed on top of them and tagged as the next version.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from extensions.events import CATALOGUE

from .conftest import ROOT, run
from .test_infra import OFFLINE, npm_ci

pytestmark = pytest.mark.update

COPIER = str(Path(sys.executable).with_name("copier"))
# A release heading, then the comment naming the template commit it corresponds to.
RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\][^\n]*\n<!-- commit: (?P<commit>[0-9a-f]{7,40}) -->", re.MULTILINE)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} exited {done.returncode}: {done.stderr}"
    return done.stdout


def releases() -> dict[str, str]:
    """Each release of CHANGELOG.md and its commit, oldest first."""
    found = {m["version"]: m["commit"] for m in RELEASE.finditer((ROOT / "CHANGELOG.md").read_text())}
    return dict(sorted(found.items(), key=lambda item: Version(item[0])))


def tree_version() -> str:
    """The version this checkout's tree is tagged with: past every release and every migration."""
    newest = max(Version(v) for v in releases())
    migrations = yaml.safe_load((ROOT / "copier.yml").read_text())["_migrations"]
    gated = [Version(str(m["version"])) for m in migrations if isinstance(m, dict) and "version" in m]
    return str(max([Version(f"{newest.major}.{newest.minor + 1}.0"), *gated]))


def has_preset(commit: str, name: str) -> bool:
    probe = subprocess.run(["git", "cat-file", "-e", f"{commit}:presets/{name}.yml"], cwd=ROOT, check=False)
    return probe.returncode == 0


# (release, answers): the defaults of every release, and the event-driven preset where it existed.
SCENARIOS = [
    pytest.param(version, preset, id=f"{version}-{preset}")
    for version, commit in releases().items()
    for preset in ("defaults", "event-driven")
    if preset == "defaults" or has_preset(commit, preset)
]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository: every release tagged at its commit, and this checkout's
    working tree (uncommitted work included) committed on top and tagged tree_version()."""
    shallow = git(ROOT, "rev-parse", "--is-shallow-repository").strip()
    assert shallow == "false", "the update history tier needs the full git history: git fetch --unshallow"
    clone = tmp_path_factory.mktemp("history") / "template"
    git(ROOT.parent, "clone", "--quiet", "--no-checkout", str(ROOT), str(clone))
    for version, commit in releases().items():
        git(clone, "tag", version, commit)
    git(clone, "checkout", "--quiet", "HEAD")
    git(clone, "rm", "-r", "--quiet", ".")
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git(clone, "add", "--all")
    git(clone, "commit", "--quiet", "--allow-empty", "-m", "this checkout's tree")
    git(clone, "tag", tree_version())
    return clone


@dataclass(frozen=True)
class Edit:
    """One edit of the user's, and the text that must still be there after the update."""

    path: str
    kept: str


def edit(project: Path, path: str, old: str, new: str) -> Edit:
    file = project / path
    text = file.read_text()
    assert text.count(old) == 1, f"{path}: the edit's anchor {old!r} is not there exactly once"
    file.write_text(text.replace(old, new))
    return Edit(path, new)


def append(project: Path, path: str, text: str) -> Edit:
    file = project / path
    file.write_text(file.read_text() + text)
    return Edit(path, text)


def own_package(project: Path) -> list[Edit]:
    """The user's own handler package and function, written the way the generated ones are: a
    copy of internal/handler as internal/accounts (tests included), and cmd/accounts using it."""
    module = re.search(r"^module (\S+)$", (project / "go.mod").read_text(), re.MULTILINE)[1]
    generated, own = f'"{module}/internal/handler"', f'"{module}/internal/accounts"'
    (project / "internal/accounts").mkdir()
    for source in sorted((project / "internal/handler").glob("*.go")):
        text = source.read_text()
        text = re.sub(r"^package handler(_test)?$", r"package accounts\1", text, flags=re.MULTILINE)
        text = re.sub(r"\bhandler\.(?=[A-Z])", "accounts.", text.replace(generated, own))
        (project / "internal/accounts" / source.name).write_text(text)
    main = (project / "cmd/api/main.go").read_text().replace(generated, own)
    main = re.sub(r"\bhandler\.(?=[A-Z])", "accounts.", main).replace("// Command api ", "// Command accounts ")
    (project / "cmd/accounts").mkdir()
    (project / "cmd/accounts/main.go").write_text(main)
    return [Edit("cmd/accounts/main.go", own), Edit("internal/accounts/api.go", "package accounts\n")]


def rest_logging_on(project: Path) -> list[Edit]:
    """What the acknowledgement of a missing REST access log told users before 0.3.0, once their
    account had API Gateway's CloudWatch Logs role: `apiAccessLogging: true` in the CDK config."""
    return [
        edit(
            project,
            "infrastructure/lib/service-config.ts",
            "  logRetentionDays: 30,\n",
            "  logRetentionDays: 30,\n  apiAccessLogging: true,\n",
        )
    ]


def user_work(project: Path) -> list[Edit]:
    """The edit set of a user who has lived with the project: own package and function, an edited
    handler body, an edited CDK stack, a Makefile target and README notes."""
    return [
        *own_package(project),
        edit(
            project,
            "internal/handler/api.go",
            '\tu, err := h.svc.Update(ctx, req.PathParameters["userId"], in)\n',
            '\tid := req.PathParameters["userId"] // the team updates users by id only\n'
            "\tu, err := h.svc.Update(ctx, id, in)\n",
        ),
        edit(
            project,
            "infrastructure/lib/service-stack.ts",
            "    Tags.of(this).add('project', config.projectName);\n",
            "    Tags.of(this).add('project', config.projectName);\n    Tags.of(this).add('team', 'payments');\n",
        ),
        append(project, "Makefile", "\n.PHONY: team-check\nteam-check: ## The team's own check\n\t@echo ok\n"),
        append(project, "README.md", "\n## Team notes\n\nOn call: #payments-oncall.\n"),
    ]


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", message)


@pytest.mark.parametrize(("version", "preset"), SCENARIOS)
def test_a_project_of_a_real_release_updates_with_the_user_s_work(
    history: Path, tmp_path: Path, version: str, preset: str
) -> None:
    project = tmp_path / "svc"
    copy = [COPIER, "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", version]
    if preset != "defaults":  # as the README says: --data-file presets/<name>.yml, from that release
        (tmp_path / "preset.yml").write_text(git(ROOT, "show", f"{releases()[version]}:presets/{preset}.yml"))
        copy += ["--data-file", str(tmp_path / "preset.yml")]
    run(tmp_path, *copy, str(history), str(project))
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, f"generated from {version}")
    edits = user_work(project)
    # The defaults keep REST logs off; the preset's user had turned them on, so the account has the role.
    logging_on = preset != "defaults"
    if logging_on:
        edits += rest_logging_on(project)
    run(project, "go", "vet", "./...")  # the user's work builds before the update, too
    commit_all(project, "user work")
    # As users have it when they update: node_modules installed (its .go files included) and synthesized.
    npm_ci(project)
    run(project, "make", "synth", **OFFLINE)
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())["functions"]
    functions = [*saved, {"name": "jobs", "event": "sqs"}]  # a function added through the answers

    summary = run(
        project, COPIER, "update", "--trust", "--defaults", "--vcs-ref", tree_version(),
        "--data", f"functions={yaml.safe_dump(functions, default_flow_style=True).strip()}",
    )  # fmt: skip

    assert f"Updated from {version} to {tree_version()}." in summary.splitlines(), summary
    assert not git(project, "diff", "--name-only", "--diff-filter=U"), "files left unmerged"
    markers = subprocess.run(
        ["git", "grep", "--untracked", "-lE", "^(<<<<<<<|>>>>>>>) "], cwd=project, capture_output=True, text=True
    )
    assert markers.stdout == "", f"conflict markers in:\n{markers.stdout}"
    assert not list(project.rglob("*.rej"))
    for kept in edits:
        assert kept.kept in (project / kept.path).read_text(), f"{kept.path} lost the user's edit"
    assert [f["name"] for f in yaml.safe_load((project / ".copier-answers.yml").read_text())["functions"]] == [
        f["name"] for f in functions
    ]
    assert (project / "cmd/jobs/main.go").is_file()
    # An update never rewires a deployed system: the consumers keep the triggers they had.
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["consumer_source"] == "own"
    consumers = [f["name"] for f in saved if CATALOGUE[f["event"]].service]
    config = (project / "infrastructure/lib/service-config.ts").read_text()
    assert "source: 'service'" not in config, f"{consumers} rewired to the project's resources"
    # Nor changes how its REST APIs log, or an account-wide setting: no role stack (0.3.0).
    role = "account" if logging_on else "none"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["apigw_cloudwatch_role"] == role
    assert f"  apiGatewayCloudWatchRole: '{role}',\n" in config
    # ...nor puts a deployed API behind a sign-in its callers cannot pass: the APIs stay public.
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["api_auth"] == "none"
    apis = [f["name"] for f in saved if f["event"] in ("apigw-rest", "apigw-http")]
    assert apis and config.count("auth: 'none',") == len(apis), config
    assert "userPool:" not in config
    commit_all(project, f"update to {tree_version()}")

    npm_ci(project)
    for target in ("vet", "test", "build", "synth", "team-check"):
        run(project, "make", target, **OFFLINE)
    stack = yaml.safe_load((project / ".copier-answers.yml").read_text())["project_name"]
    templates = {p.name: p for p in (project / "infrastructure/cdk.out").glob("*.template.json")}
    assert list(templates) == [f"{stack}.template.json"], "an update must not add the CloudWatch role's stack"
    resources = json.loads(templates[f"{stack}.template.json"].read_text())["Resources"].values()
    (stage,) = [r for r in resources if r["Type"] == "AWS::ApiGateway::Stage"]
    assert ("AccessLogSetting" in stage["Properties"]) == logging_on


def resources_of(project: Path, kind: str) -> dict[str, dict[str, object]]:
    (template,) = (project / "infrastructure/cdk.out").glob("*.template.json")
    parsed = yaml.safe_load(template.read_text())  # JSON is YAML
    return {key: r for key, r in parsed["Resources"].items() if r["Type"] == kind}


def test_the_front_doors_of_a_real_release_accept_what_they_accepted(history: Path, tmp_path: Path) -> None:
    """A project of the newest release with an ALB and a REST API updates without being asked for
    a certificate: its load balancer keeps plain HTTP on port 80 with the same resources (nothing
    replaced), gains access logs and the synth's warning, and its stage is throttled only at the
    account's limits (the migration's answers)."""
    version = list(releases())[-1]
    project = tmp_path / "svc"
    functions = "[{name: api, event: apigw-rest}, {name: web, event: alb}]"
    copy = [COPIER, "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", version]
    run(tmp_path, *copy, "--data", f"functions={functions}", str(history), str(project))
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, f"generated from {version}")
    # The stack as deployed from that release.
    npm_ci(project)
    run(project, "make", "synth", **OFFLINE)
    kinds = [
        f"AWS::ElasticLoadBalancingV2::{kind}" for kind in ("LoadBalancer", "Listener", "ListenerRule", "TargetGroup")
    ]
    before = {kind: sorted(resources_of(project, kind)) for kind in kinds}

    run(project, COPIER, "update", "--trust", "--defaults", "--vcs-ref", tree_version())
    assert not git(project, "diff", "--name-only", "--diff-filter=U"), "files left unmerged"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    saved = (answers["alb_certificate"], answers["api_rate_limit"], answers["api_burst_limit"])
    assert saved == ("http-only", 10000, 5000)
    commit_all(project, f"update to {tree_version()}")
    npm_ci(project)
    run(project, "make", "synth", **OFFLINE)

    assert {kind: sorted(resources_of(project, kind)) for kind in kinds} == before, "a load balancer resource changed"
    (listener,) = resources_of(project, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert (listener["Properties"]["Port"], listener["Properties"]["Protocol"]) == (80, "HTTP")
    (lb,) = resources_of(project, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    attributes = {a["Key"]: a["Value"] for a in lb["Properties"]["LoadBalancerAttributes"]}
    assert attributes["access_logs.s3.enabled"] == "true"
    (stage,) = resources_of(project, "AWS::ApiGateway::Stage").values()
    (settings,) = stage["Properties"]["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (10000, 5000)
    report = yaml.safe_load((project / "infrastructure/cdk.out/validation-report.json").read_text())
    warnings = [v["ruleName"] for p in report["pluginReports"] for v in p["violations"]]
    assert warnings == ["Annotation::go-lambda-template:albPlainHttp"]
