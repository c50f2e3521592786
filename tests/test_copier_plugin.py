"""The Copier entry point's caches: one plan per set of answers, one compilation per source."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from copier._jinja_ext import YieldExtension, get_yield_context
from jinja2.sandbox import SandboxedEnvironment

pytestmark = pytest.mark.unit

PLUGIN = Path(__file__).resolve().parents[1] / "extensions/copier_plugin.py"


def load_plugin() -> ModuleType:
    """The plugin as copier-template-extensions loads it: by path, outside any package."""
    spec = importlib.util.spec_from_file_location("copier_plugin_under_test", PLUGIN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_source_compiles_once_and_the_yield_tag_still_resets() -> None:
    plugin = load_plugin()
    env = SandboxedEnvironment(extensions=[YieldExtension, plugin.TemplateFilters])
    source = "{% yield fn from functions %}{{ fn }}{% endyield %}"
    first = env.from_string(source)
    assert first.render(functions=["a", "b"]) == ""
    assert get_yield_context(env).yield_name == "fn"
    # Served from the cache, the source still resets the yield context, as Copier needs before
    # it renders the next path; rendering it again raises no MultipleYieldTagsError.
    again = env.from_string(source)
    assert again is first
    assert get_yield_context(env).yield_name is None
    again.render(functions=["c"])
    assert get_yield_context(env).yield_iterable == ["c"]
    assert env.from_string("{{ 1 + 1 }}").render() == "2"
    assert env.from_string(source, globals={"x": 1}) is not first, "own globals bypass the cache"


def test_the_plan_is_built_once_per_set_of_answers() -> None:
    plugin = load_plugin()
    hook = plugin.ContextUpdater(SandboxedEnvironment())
    answers = {"functions": [{"name": "api", "event": "apigw-rest"}], "aws_services": ["dynamodb"]}
    first = {**answers, "_copier_phase": "render", "_folder_name": "a"}
    hook.hook(first)
    second = {**answers, "_copier_phase": "render", "_folder_name": "b"}
    hook.hook(second)
    assert second["plan"] is first["plan"], "Copier's own keys do not change the plan"
    other = {**answers, "aws_services": ["sqs"], "_copier_phase": "render"}
    hook.hook(other)
    assert other["plan"] is not first["plan"]
    assert other["plan"]["service_keys"] == ["sqs"] and first["plan"]["service_keys"] == ["dynamodb"]
