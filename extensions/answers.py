"""The answers file as Copier saves it, made usable for every later `copier update`.

Copier stores the template's source as the user typed it. A relative local path (`copier copy
../go-lambda-template svc`) is then resolved against whatever directory the update runs in, and
from inside the project it fails with "Updating is only supported in git-tracked templates."
Rendering the answers file with an absolute path instead makes updates work from anywhere.
"""

from __future__ import annotations

import os
import re
from typing import Any

# gh:org/repo, gl:..., git@host:path, https://..., file://...: Copier resolves these itself.
_NOT_A_LOCAL_PATH = re.compile(r"^[\w.+-]+:|^[\w.-]+@[\w.-]+:")


def resolvable_source(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers, with a relative local `_src_path` made absolute (against the directory Copier
    runs in, the one the user typed the path in)."""
    source = answers.get("_src_path")
    if not isinstance(source, str) or os.path.isabs(source) or _NOT_A_LOCAL_PATH.match(source):
        return answers
    if not os.path.isdir(source):
        return answers
    return {**answers, "_src_path": os.path.abspath(source)}
