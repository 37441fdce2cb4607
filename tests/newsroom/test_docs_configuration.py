"""docs/configuration.md names every environment variable the project reads.

The names are found in the code itself, not in a list kept beside it: Python reads
(`os.environ.get("X")`, `os.environ["X"]`, `"X" in os.environ`, `getenv("X")`,
settings' `env_bool/env_int/env_list("X")`), the Makefile's overridable variables
(`X ?=`, `$${X-…}`, a `$(X)` the Makefile never assigns) and the `${X:-…}` defaults
of the scripts in .ci/. Adding a variable without documenting it fails here, and so
does a documented variable nothing reads any more.
"""

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "static", "templates"}
# The operating system's own, passed through, never configuration.
NOT_CONFIGURATION = {"PATH", "HOME"}
ENV_HELPERS = {"env_bool", "env_int", "env_list", "getenv"}


def python_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder) / name


def _is_os_environ(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _name(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def names_read_by_python(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"get", "setdefault", "pop"}
                and _is_os_environ(func.value)
            ) or (
                (isinstance(func, ast.Name) and func.id in ENV_HELPERS)
                or (isinstance(func, ast.Attribute) and func.attr == "getenv")
            ):
                names.add(_name(node.args[0]))
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            names.add(_name(node.slice))
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and _is_os_environ(node.comparators[0])
        ):
            names.add(_name(node.left))
    return {name for name in names if name}


def names_read_by_makefile(text: str) -> set[str]:
    assigned = set(re.findall(r"^(?:export\s+)?([A-Z][A-Z0-9_]*)\s*:?=", text, re.M))
    overridable = set(
        re.findall(r"^(?:\S+:\s*)?(?:export\s+)?([A-Z][A-Z0-9_]*)\s*\?=", text, re.M)
    )
    used = set(re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", text))
    shell = set(re.findall(r"\$\$\{?([A-Z][A-Z0-9_]*)", text))
    return overridable | (used - assigned - {"CURDIR"}) | shell


def names_read_by_ci_scripts(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):?-", text))


def names_read() -> dict[str, set[str]]:
    """Each variable name, with the files that read it."""
    found: dict[str, set[str]] = {}

    def add(names, path):
        for name in names - NOT_CONFIGURATION:
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))

    for path in python_files():
        add(names_read_by_python(path.read_text(encoding="utf-8")), path)
    makefile = ROOT / "Makefile"
    add(names_read_by_makefile(makefile.read_text(encoding="utf-8")), makefile)
    for path in sorted((ROOT / ".ci").iterdir()):
        add(names_read_by_ci_scripts(path.read_text(encoding="utf-8")), path)
    return found


def documented() -> set[str]:
    """The names in the first column of the tables in docs/configuration.md."""
    names = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_scanner_finds_variables_of_every_kind():
    # A scanner that finds nothing would make the next test pass for nothing.
    found = names_read()
    for name, where in {
        "DJANGO_DEBUG": "newsroom/settings.py",  # env_bool()
        "DATABASE_URL": "newsroom/settings.py",  # os.environ.get() and `in`
        "DJANGO_SECRET_KEY_FILE": "newsroom/settings.py",  # os.environ[...]
        "DJANGO_SETTINGS_MODULE": "manage.py",  # setdefault()
        "NEWSROOM_PLAN_STORIES": "tests/newsroom/test_indexes.py",
        "PORT": "Makefile",  # PORT ?=
        "TASKS_BACKEND": "Makefile",  # $(TASKS_BACKEND), never assigned
        "NEWSROOM_VAR_DIR": "Makefile",  # $${NEWSROOM_VAR_DIR-var}
        "CI_DATABASE_URL": ".ci/run",  # ${CI_DATABASE_URL:-…}
    }.items():
        assert where in found.get(name, set()), (name, where)
    assert len(found) > 90


def test_every_variable_the_project_reads_is_documented():
    missing = {
        name: sorted(files)
        for name, files in names_read().items()
        if name not in documented()
    }
    assert missing == {}, f"add these to {DOC.relative_to(ROOT)}: {missing}"


def test_every_documented_variable_is_read_somewhere():
    stale = documented() - set(names_read())
    assert stale == set(), f"nothing reads these any more: {sorted(stale)}"
