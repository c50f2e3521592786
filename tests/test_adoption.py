"""Adopting an existing Go function (docs/adopting-an-existing-function.md): the guide's commands,
run as written on a go1.x repository with history, bring it under the template on
provided.al2023 and arm64, keep its handler and history, and leave it taking `make update`.

The developer who adopts it has the organisation's Copier settings (docs/organisation-defaults.md,
examples/organisation-settings.yml), and the one who updates it later has none: the same run
shows the organisation's defaults saved in the answers and kept by the update."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from plumbum import local

from .conftest import ROOT, run
from .elf import read_elf
from .test_organisation_defaults import SETTINGS
from .test_update import commit_all, git, template_releases  # noqa: F401 (a fixture)

pytestmark = pytest.mark.update

GUIDE = ROOT / "docs" / "adopting-an-existing-function.md"
LEGACY = ROOT / "tests" / "fixtures" / "legacy-go1x-function"
LEGACY_COMMIT = "Greeter function on the go1.x runtime"
UPDATE_NOTE = "\n## Adopted projects\n\nThe 0.3.0 template release adds this section.\n"
# The organisation's defaults of examples/organisation-settings.yml that a project without the CDK
# app is asked (alarms come with the CDK app); module_path is the guide's answer, which wins.
ORGANISATION_ANSWERS = ("owner", "license", "security_contact", "aws_region", "ci", "update_workflow", "tracing")


def guide_commands() -> str:
    """The guide's block that its comment says the tests run."""
    text = GUIDE.read_text()
    marker = text.index("<!-- The template's tests run this block")
    block = re.search(r"```sh\n(.*?)```", text[marker:], flags=re.S)
    assert block is not None
    return block.group(1)


def migration_findings(repo: Path) -> set[tuple[str, str]]:
    """`make check-migration REPO=...` from the template's root: (file, rule) of each finding."""
    with local.cwd(ROOT):
        _, out, err = local["make"]["--no-print-directory", "check-migration", f"REPO={repo}", "ARGS=-json"].run(
            retcode=None
        )
    assert out.lstrip().startswith("["), err
    return {(Path(f["file"]).relative_to(repo).as_posix(), f["rule"]) for f in json.loads(out)}


def test_the_adoption_guide_moves_a_go1x_function_under_the_template(
    template_releases: Path,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    repo = tmp_path / "greeter"
    shutil.copytree(LEGACY, repo)
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, LEGACY_COMMIT)
    legacy_commit = git(repo, "rev-parse", "HEAD").strip()
    assert migration_findings(repo) == {
        ("Makefile", "build-without-norpc"),
        ("Makefile", "build-not-bootstrap"),
        ("go.mod", "aws-lambda-go-too-old"),
        ("template.yaml", "go1x-runtime"),
        ("template.yaml", "handler-not-bootstrap"),
        ("template.yaml", "x86_64"),
    }

    copier_bin = str(Path(sys.executable).parent)
    path = f"{copier_bin}:{local.env['PATH']}"
    run(repo, "sh", "-eu", "-c", guide_commands(), TEMPLATE=str(template_releases), PATH=path,
        COPIER_SETTINGS_PATH=str(SETTINGS))  # fmt: skip

    # On provided.al2023 and arm64, with nothing of go1.x left.
    assert read_elf(repo / "build/greeter/bootstrap").architecture == "arm64"
    assert migration_findings(repo) == set()
    function = yaml.safe_load((repo / "template.yaml").read_text())["Resources"]["GreeterFunction"]["Properties"]
    assert (function["Runtime"], function["Handler"], function["Architectures"], function["CodeUri"]) == (
        "provided.al2023",
        "bootstrap",
        ["arm64"],
        "build/greeter/",
    )
    # The handler and its history are kept, and the project is the template's now.
    assert (repo / "cmd/greeter/main.go").read_text() == (LEGACY / "main.go").read_text()
    git(repo, "merge-base", "--is-ancestor", legacy_commit, "HEAD")
    history = git(repo, "log", "--follow", "--format=%s", "--", "cmd/greeter/main.go").splitlines()
    assert history[-1] == LEGACY_COMMIT, history
    assert git(repo, "status", "--porcelain") == ""
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert (answers["_commit"], answers["_src_path"], answers["module_path"]) == (
        "0.2.0",
        str(template_releases),
        "github.com/acme/greeter",
    )
    organisation = yaml.safe_load(SETTINGS.read_text())["defaults"]
    saved = {key: organisation[key] for key in ORGANISATION_ANSWERS}
    assert {key: answers[key] for key in ORGANISATION_ANSWERS} == saved

    # From now on it takes template releases like any generated project.
    readme = template_releases / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + UPDATE_NOTE)
    git(template_releases, "commit", "--quiet", "-am", "release 0.3.0")
    git(template_releases, "tag", "0.3.0")
    run(repo, "make", "update", PATH=path)  # the suite's empty settings file: none of the organisation's
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "0.3.0"
    assert {key: answers[key] for key in ORGANISATION_ANSWERS} == saved
    assert UPDATE_NOTE.strip() in (repo / "README.md").read_text()
    assert (repo / "cmd/greeter/main.go").read_text() == (LEGACY / "main.go").read_text()
