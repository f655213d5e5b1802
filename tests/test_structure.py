"""The house rules of issue 13, checked on the sources: one settings reader, Dash's public API only, pure
state/ and views/ packages, no callback module borrowing a sibling panel's."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "node_modules", "tests", "instance", ".git"}


def _sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts)]


def test_st001_environment_is_read_in_config_only():
    readers = [str(p.relative_to(ROOT)) for p in _sources()
               if re.search(r"os\.environ|getenv\(", p.read_text()) and p.name != "config.py"]
    assert readers == []


def test_st002_env_example_lists_exactly_what_config_reads():
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    named_in_config = set(re.findall(r'"([A-Z][A-Z0-9_]{2,})"', (ROOT / "config.py").read_text()))
    read = set(config.ENV_VARS)
    assert named_in_config - {"INFO", "EVCHARGE_SETTINGS"} <= read, "config.py names a variable ENV_VARS does not list"
    assert documented == read


def test_st003_dash_public_api_only():
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in _sources() for n, line in enumerate(p.read_text().splitlines(), 1)
            if re.search(r"dash\._|_callback_list|_on_error", line)]
    assert hits == []


def test_st004_pure_packages_register_no_callback():
    code = ("import dash, sys; import state.urlstate, state.reducers, views.series, views.compare, views.overview;"
            "from dash import _callback as c;"
            "print(len(c.GLOBAL_CALLBACK_LIST), len(c.GLOBAL_CALLBACK_MAP),"
            " any(m == 'callbacks' or m.startswith('callbacks.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0", "False"]


def test_st005_importing_a_callbacks_module_registers_nothing_with_dash():
    code = ("import callbacks.series, callbacks.deck; from dash import _callback as c;"
            "print(len(c.GLOBAL_CALLBACK_LIST))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_st006_no_callback_module_imports_a_sibling_panel():
    shared = {"callbacks.common", "callbacks.registry"}
    for path in (ROOT / "callbacks").glob("*.py"):
        if path.name == "__init__.py":
            continue
        borrowed = {m for m in _imports(path) if m.startswith("callbacks.") and m.rsplit(".", 1)[0] not in shared
                    and m not in shared}
        assert borrowed == set(), f"{path.name} imports {borrowed}"


def test_st007_views_and_state_do_not_import_dash_or_flask():
    for folder in ("views", "state"):
        for path in (ROOT / folder).glob("*.py"):
            heavy = {m for m in _imports(path) if m.split(".")[0] in ("dash", "flask", "callbacks", "web")}
            assert heavy == set(), f"{folder}/{path.name} imports {heavy}"


def test_st008_every_app_gets_every_callback():
    from app import create_app
    from callbacks import registry

    first, second = create_app("sqlite:///:memory:"), create_app("sqlite:///:memory:")
    assert len(first.callback_map) == len(second.callback_map) == registry.declared()
