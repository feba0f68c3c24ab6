"""Domain rules stay pure: no module under apps/*/domain may import Django or DRF (STYLE.md §2)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("django", "rest_framework", "rest_framework_gis")
DOMAIN_MODULES = sorted(ROOT.glob("apps/*/domain/**/*.py"))


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_there_are_domain_modules_to_check():
    assert len(DOMAIN_MODULES) >= 5


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_imports_no_framework(path):
    assert not imported_roots(path) & set(FORBIDDEN), f"{path} imports a framework"


def test_the_check_itself_catches_a_django_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport rest_framework.views\n")
    assert imported_roots(bad) >= {"django", "rest_framework"}
