"""Copier's entry point into this package (listed in copier.yml ``_jinja_extensions``).

copier-template-extensions imports this file by path, outside any package, so relative imports
would fail. It therefore loads ``extensions/`` as a package under a name derived from its own
location: during ``copier update`` the old and the new template are loaded in one process from two
checkouts, and each must see its own catalogue, not whichever was imported first.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment, Template
from jinja2.ext import Extension

_PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGE = "go_lambda_template_" + hashlib.sha256(str(_PACKAGE_DIR).encode()).hexdigest()[:16]

if _PACKAGE not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        _PACKAGE, _PACKAGE_DIR / "__init__.py", submodule_search_locations=[str(_PACKAGE_DIR)]
    )
    assert _spec and _spec.loader
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_PACKAGE] = _module
    _spec.loader.exec_module(_module)

_plan = importlib.import_module(f"{_PACKAGE}.plan")
_validators = importlib.import_module(f"{_PACKAGE}.validators")
_literals = importlib.import_module(f"{_PACKAGE}.literals")
_answers = importlib.import_module(f"{_PACKAGE}.answers")


class ContextUpdater(ContextHook):
    """Adds ``plan`` (see extensions/plan.py) to the context of every file, path and task.

    Copier builds a fresh context for every path part, file and answers-file lookup (over a
    thousand for the default project), so the plan of the last answers is kept: the plan depends
    on the answers alone, and templates only read it.
    """

    _last: tuple[str, dict[str, Any]] | None = None

    def hook(self, context: dict[str, Any]) -> None:
        if context.get("_copier_phase") == "prompt" or not context.get("functions"):
            return
        # The answers are the context's keys without a leading underscore (Copier's own start
        # with one); "plan" is this hook's. default=repr covers dates and other non-JSON values.
        answers = {key: value for key, value in context.items() if not key.startswith("_") and key != "plan"}
        key = json.dumps(answers, sort_keys=True, default=repr)
        if self._last is None or self._last[0] != key:
            self._last = (key, _plan.build_plan(context))
        context["plan"] = self._last[1]


class TemplateFilters(Extension):
    """Validators (for copier.yml), the functions default, the TypeScript literal filter and the
    answers file's resolvable source path."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(_validators.FILTERS)
        environment.filters["default_functions"] = _plan.default_functions
        environment.filters["function_kinds"] = _plan.function_kinds
        environment.filters["default_api_auth"] = _plan.default_api_auth
        environment.filters["uses_api_auth"] = _plan.uses_api_auth
        environment.filters["needs_jwt_issuer"] = _plan.needs_jwt_issuer
        environment.filters["ts"] = _literals.ts_literal
        environment.filters["resolvable_source"] = _answers.resolvable_source
        environment.from_string = _compiled_once(environment, environment.from_string)  # type: ignore[method-assign]


def _compiled_once(environment: Environment, from_string: Callable[..., Template]) -> Callable[..., Template]:
    """Environment.from_string that compiles each source once.

    Copier compiles every path part it renders, the answers file's name more than 500 times, and
    Jinja caches only templates loaded by name: of about 1,500 compilations for the default
    project, most repeat a source already compiled. A compiled Template holds no render state, so
    one per source serves every render; calls with their own globals or class are left alone.
    A source served from the cache still goes through the extensions' preprocess hooks, which
    Copier's yield tag uses to reset its state for the next path.
    """
    compiled: dict[str, Template] = {}

    def cached(source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals or template_class or not isinstance(source, str):
            return from_string(source, globals, template_class)
        if source in compiled:
            environment.preprocess(source)
        else:
            compiled[source] = from_string(source)
        return compiled[source]

    return cached
