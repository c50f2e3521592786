"""Copier migrations (copier.yml `_migrations`, code in extensions/migrations/): every Breaking
release has one, each names a script that exists and says what it does, and the Go rewriter of
0.2.0 passes its own tests and lints. The update tiers (test_update*.py) run them for real."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from .conftest import ROOT, require_tool, run

MIGRATIONS = ROOT / "extensions/migrations"
ROUTE_HANDLERS = MIGRATIONS / "route_handlers.py"


def versioned_migrations() -> list[dict[str, object]]:
    settings = yaml.safe_load((ROOT / "copier.yml").read_text())
    return [m for m in settings["_migrations"] if isinstance(m, dict) and "version" in m]


def breaking_releases() -> list[str]:
    """The versions whose CHANGELOG.md section has a ### Breaking part."""
    sections = re.split(r"^## ", (ROOT / "CHANGELOG.md").read_text(), flags=re.MULTILINE)[1:]
    return [
        re.match(r"\[([^\]]+)\]", s).group(1)
        for s in sections
        if "\n### Breaking\n" in s and not s.startswith("[Unreleased]")
    ]


def script_of(migration: dict[str, object]) -> Path:
    command = migration["command"]
    assert isinstance(command, list), migration
    script = str(command[-1]).replace("{{ _copier_conf.src_path }}", str(ROOT))
    return Path(script)


@pytest.mark.unit
def test_every_breaking_release_has_a_migration() -> None:
    versions = [str(m["version"]) for m in versioned_migrations()]
    assert breaking_releases(), "CHANGELOG.md has no Breaking release: this test would prove nothing"
    for release in breaking_releases():
        assert release in versions, f"CHANGELOG.md {release} is Breaking but copier.yml has no migration for it"
    assert versions == sorted(versions, key=Version), "Copier runs migrations in file order: keep them ascending"


@pytest.mark.unit
def test_every_migration_script_exists_and_says_what_it_does() -> None:
    settings = yaml.safe_load((ROOT / "copier.yml").read_text())
    for migration in settings["_migrations"]:
        script = script_of(migration)
        assert script.is_file(), f"{migration} names a missing script"
        docstring = script.read_text().split('"""')[1]
        assert docstring.strip().splitlines()[0].endswith("."), f"{script.name}: first docstring line is its summary"


@pytest.mark.unit
def test_route_handlers_skips_a_directory_without_go_mod(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROUTE_HANDLERS)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.unit
def test_route_handlers_without_go_says_what_to_do_and_lets_the_update_finish(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/svc\n")
    done = subprocess.run(
        [sys.executable, str(ROUTE_HANDLERS)],
        cwd=tmp_path,
        env={"PATH": str(tmp_path / "empty")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "go is not on PATH" in done.stderr and "0.2.0 Breaking" in done.stderr


@pytest.mark.go
def test_route_handler_rewriter_passes_its_tests() -> None:
    run(MIGRATIONS / "routehandlers", "go", "vet", "./...")
    run(MIGRATIONS / "routehandlers", "go", "test", "-count=1", "./...")
    assert not run(MIGRATIONS / "routehandlers", "gofmt", "-l", ".").strip()


@pytest.mark.gates
def test_route_handler_rewriter_is_golangci_lint_clean() -> None:
    # No .golangci.yml here: wait for another golangci-lint of a parallel test instead of failing.
    run(MIGRATIONS / "routehandlers", require_tool("golangci-lint"), "run", "--allow-serial-runners", "./...")


@pytest.mark.unit
def test_replaced_answers_names_the_answer_and_the_rule_it_broke() -> None:
    sys.path.insert(0, str(MIGRATIONS))
    try:
        import replaced_answers
    finally:
        sys.path.remove(str(MIGRATIONS))
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    old = {"functions": [{"name": "helpers", "event": "apigw-rest"}], "runtime": "provided.al1", "ci": True}
    new = {"functions": [{"name": "api", "event": "apigw-rest"}], "runtime": "provided.al2023", "ci": True}
    found = dict(replaced_answers.replaced_answers(old, {**new, "aws_services": ["dynamodb"]}, questions))
    assert set(found) == {"functions", "runtime"}
    assert "helpers" in found["functions"]
    assert found["runtime"].startswith("provided.al1 is not one of provided.al2023")
    assert replaced_answers.replaced_answers(new, new, questions) == []


TRIGGER_SOURCES = MIGRATIONS / "trigger_sources.py"


@pytest.mark.unit
def test_trigger_sources_saves_consumer_source_own_once(tmp_path: Path) -> None:
    answers = tmp_path / ".copier-answers.yml"
    original = "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n_commit: 0.2.0\nfunctions: []\n"
    answers.write_text(original)

    def run_it() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(TRIGGER_SOURCES)], cwd=tmp_path, capture_output=True, text=True, check=False
        )

    first = run_it()
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Kept the consumers' own triggers: consumer_source: own is saved")
    assert answers.read_text() == original + "consumer_source: own\n", "appended; the rest as it was"
    assert yaml.safe_load(answers.read_text())["consumer_source"] == "own"
    second = run_it()
    assert (second.returncode, second.stdout) == (0, "")
    assert answers.read_text() == original + "consumer_source: own\n", "safe to run twice"


@pytest.mark.unit
def test_trigger_sources_runs_before_the_new_version_renders() -> None:
    (migration,) = [m for m in versioned_migrations() if script_of(m).name == "trigger_sources.py"]
    assert migration["when"] == "{{ _stage == 'before' }}"


APIGW_CLOUDWATCH_ROLE = MIGRATIONS / "apigw_cloudwatch_role.py"
OLD_ANSWERS = (
    "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n_commit: 0.2.0\n"
    "functions:\n- event: apigw-rest\n  name: api\n"
)


def run_migration(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("config", "saved"),
    [
        ("  logRetentionDays: 30,\n", "none"),
        ("  logRetentionDays: 30,\n  apiAccessLogging: true,\n", "account"),
        ("  apiExecutionLogging:  true, // the account has the role\n", "account"),
        ("  apiAccessLogging: false,\n", "none"),
    ],
    ids=["logs-off", "access-logs-on", "execution-logs-on", "explicitly-off"],
)
def test_apigw_cloudwatch_role_keeps_rest_logging_as_it_was_once(tmp_path: Path, config: str, saved: str) -> None:
    """A project from before 0.3.0 keeps its REST logging: `none` (no role needed) unless it turned
    logging on by hand, which needed the account's role (`account`)."""
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text(OLD_ANSWERS)
    (tmp_path / "infrastructure/lib").mkdir(parents=True)
    (tmp_path / "infrastructure/lib/service-config.ts").write_text(f"export const serviceConfig = {{\n{config}}};\n")

    first = run_migration(APIGW_CLOUDWATCH_ROLE, tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"apigw_cloudwatch_role: {saved} is saved in .copier-answers.yml" in first.stdout
    assert answers.read_text() == OLD_ANSWERS + f"apigw_cloudwatch_role: {saved}\n", "appended; the rest as it was"
    assert yaml.safe_load(answers.read_text())["apigw_cloudwatch_role"] == saved
    second = run_migration(APIGW_CLOUDWATCH_ROLE, tmp_path)
    assert (second.returncode, second.stdout) == (0, "")
    assert answers.read_text() == OLD_ANSWERS + f"apigw_cloudwatch_role: {saved}\n", "safe to run twice"


EDGE_SETTINGS = MIGRATIONS / "edge_settings.py"


def run_edge_settings(project: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(EDGE_SETTINGS)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


@pytest.mark.unit
def test_edge_settings_keeps_plain_http_and_the_account_limits_once(tmp_path: Path) -> None:
    answers = tmp_path / ".copier-answers.yml"
    original = (
        "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n_commit: 0.2.0\nfunctions:\n"
        "-   event: alb\n    name: alb\n-   event: apigw-http\n    name: http-api\n"
    )
    answers.write_text(original)
    first = run_edge_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    saved = yaml.safe_load(answers.read_text())
    assert (saved["alb_certificate"], saved["api_rate_limit"], saved["api_burst_limit"]) == ("http-only", 10000, 5000)
    assert answers.read_text().startswith(original), "appended; the rest as it was"
    assert "DATA='alb_certificate=<ACM certificate ARN>'" in first.stdout
    assert "--data api_rate_limit=100 --data api_burst_limit=200" in first.stdout
    kept = answers.read_text()
    second = run_edge_settings(tmp_path)
    assert (second.returncode, second.stdout, answers.read_text()) == (0, "", kept), "safe to run twice"


API_AUTH = MIGRATIONS / "api_auth.py"


def run_api_auth(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(API_AUTH)], cwd=project, capture_output=True, text=True, check=False)


@pytest.mark.unit
def test_api_auth_keeps_the_public_apis_of_an_earlier_release_once(tmp_path: Path) -> None:
    answers = tmp_path / ".copier-answers.yml"
    original = (
        "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n_commit: 0.2.0\nfunctions:\n"
        "-   event: apigw-rest\n    name: api\n-   event: sqs\n    name: jobs\n"
    )
    answers.write_text(original)

    first = run_api_auth(tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Kept the public APIs of api: api_auth: none is saved in .copier-answers.yml.")
    assert "make update DATA='api_auth=cognito'" in first.stdout
    assert answers.read_text() == original + "api_auth: none\n", "appended; the rest as it was"
    second = run_api_auth(tmp_path)
    assert (second.returncode, second.stdout) == (0, "")
    assert answers.read_text() == original + "api_auth: none\n", "safe to run twice"


@pytest.mark.unit
@pytest.mark.parametrize(
    "answers",
    [
        "_commit: 0.2.0\nfunctions:\n- event: sqs\n  name: processor\n",
        "_commit: 0.2.0\niac: none\nfunctions:\n- event: apigw-rest\n  name: api\n",
        OLD_ANSWERS + "apigw_cloudwatch_role: stack\n",
    ],
    ids=["no-rest-function", "no-cdk-app", "answered"],
)
def test_apigw_cloudwatch_role_leaves_other_projects_alone(tmp_path: Path, answers: str) -> None:
    (tmp_path / ".copier-answers.yml").write_text(answers)
    done = run_migration(APIGW_CLOUDWATCH_ROLE, tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / ".copier-answers.yml").read_text() == answers


@pytest.mark.unit
def test_apigw_cloudwatch_role_runs_before_the_new_version_renders_at_0_3_0() -> None:
    (migration,) = [m for m in versioned_migrations() if script_of(m).name == "apigw_cloudwatch_role.py"]
    assert (migration["version"], migration["when"]) == ("0.3.0", "{{ _stage == 'before' }}")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("functions", "saved"),
    [
        ([{"name": "api", "event": "apigw-rest"}], {"api_rate_limit": 10000, "api_burst_limit": 5000}),
        ([{"name": "alb", "event": "alb"}], {"alb_certificate": "http-only"}),
        ([{"name": "processor", "event": "sqs"}], {}),
    ],
    ids=["rest", "alb", "neither"],
)
def test_edge_settings_saves_only_what_the_project_s_kinds_use(
    tmp_path: Path, functions: list[dict[str, str]], saved: dict[str, object]
) -> None:
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text(yaml.safe_dump({"_commit": "0.2.0", "functions": functions}))
    assert run_edge_settings(tmp_path).returncode == 0
    after = yaml.safe_load(answers.read_text())
    assert {key: value for key, value in after.items() if key not in ("_commit", "functions")} == saved


@pytest.mark.unit
def test_edge_settings_keeps_answers_the_project_has(tmp_path: Path) -> None:
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text(yaml.safe_dump({"functions": [{"name": "api", "event": "apigw-rest"}], "api_rate_limit": 50}))
    assert run_edge_settings(tmp_path).returncode == 0
    after = yaml.safe_load(answers.read_text())
    assert (after["api_rate_limit"], after["api_burst_limit"]) == (50, 5000)


@pytest.mark.unit
def test_edge_settings_runs_before_the_new_version_renders() -> None:
    (migration,) = [m for m in versioned_migrations() if script_of(m).name == "edge_settings.py"]
    assert migration["when"] == "{{ _stage == 'before' }}"
    assert migration["version"] == "0.3.0"


@pytest.mark.unit
@pytest.mark.parametrize(
    "saved",
    [
        "functions:\n-   event: sqs\n    name: jobs\n",  # no API: a new one gets the new default
        "functions:\n-   event: apigw-http\n    name: api\napi_auth: iam\n",  # chosen already
        "functions: not a list\n",
    ],
    ids=["no-api", "answered", "malformed"],
)
def test_api_auth_leaves_other_answers_alone(tmp_path: Path, saved: str) -> None:
    (tmp_path / ".copier-answers.yml").write_text(saved)
    done = run_api_auth(tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    assert (tmp_path / ".copier-answers.yml").read_text() == saved


@pytest.mark.unit
def test_api_auth_without_an_answers_file_warns_and_lets_the_update_finish(tmp_path: Path) -> None:
    done = run_api_auth(tmp_path)
    assert done.returncode == 0
    assert "api_auth: none was not saved; add it there by hand" in done.stderr


@pytest.mark.unit
def test_api_auth_runs_before_the_new_version_renders() -> None:
    (migration,) = [m for m in versioned_migrations() if script_of(m).name == "api_auth.py"]
    assert (migration["version"], migration["when"]) == ("0.3.0", "{{ _stage == 'before' }}")


STAGES_DEPLOYS = MIGRATIONS / "stages_deploys.py"


@pytest.mark.unit
def test_stages_deploys_keeps_the_deployed_stack_and_its_triggers_once(tmp_path: Path) -> None:
    """A project from before 0.3.0 deployed one stack named after it, its triggers on the functions:
    the update saves stages '' and deployment none, so that it renders both as they were."""
    answers = tmp_path / ".copier-answers.yml"
    original = "_commit: 0.2.0\nproject_name: orders\nfunctions:\n-   event: sqs\n    name: jobs\n"
    answers.write_text(original)

    first = run_migration(STAGES_DEPLOYS, tmp_path)
    assert first.returncode == 0, first.stderr
    assert answers.read_text() == original + "stages: ''\ndeployment: none\n", "appended; the rest as it was"
    saved = yaml.safe_load(answers.read_text())
    assert (saved["stages"], saved["deployment"]) == ("", "none")
    assert "make update DATA='stages=dev,prod'" in first.stdout
    assert "make update DATA='deployment=all-at-once'" in first.stdout
    second = run_migration(STAGES_DEPLOYS, tmp_path)
    assert (second.returncode, second.stdout, answers.read_text()) == (
        0,
        "",
        original + "stages: ''\ndeployment: none\n",
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    "saved",
    [
        "_commit: 0.2.0\niac: none\nfunctions:\n- event: sqs\n  name: jobs\n",
        "_commit: 0.2.0\nstages: dev,prod\ndeployment: canary\n",
    ],
    ids=["no-cdk-app", "answered"],
)
def test_stages_deploys_leaves_other_projects_alone(tmp_path: Path, saved: str) -> None:
    (tmp_path / ".copier-answers.yml").write_text(saved)
    done = run_migration(STAGES_DEPLOYS, tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / ".copier-answers.yml").read_text() == saved


@pytest.mark.unit
def test_stages_deploys_without_an_answers_file_warns_and_lets_the_update_finish(tmp_path: Path) -> None:
    done = run_migration(STAGES_DEPLOYS, tmp_path)
    assert done.returncode == 0
    assert "add stages: '' and deployment: none there by hand" in done.stderr


@pytest.mark.unit
def test_stages_deploys_runs_before_the_new_version_renders_at_0_3_0() -> None:
    (migration,) = [m for m in versioned_migrations() if script_of(m).name == "stages_deploys.py"]
    assert (migration["version"], migration["when"]) == ("0.3.0", "{{ _stage == 'before' }}")
