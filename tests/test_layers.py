"""The layers point one way (design.md, "Layers point one way"): a module
may import only the layers below its own. Every import is checked, at the
top of a module or inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "stacki"

# Each layer and the packages it must never import.
FORBIDDEN = {
    "inventory": ("stacki.framework", "stacki.commands", "stacki.ws", "stacki.apiusers",
                  "stacki.cli", "stacki.client"),
    "apiusers": ("stacki.framework", "stacki.commands", "stacki.ws", "stacki.cli"),
    "commands": ("stacki.ws", "stacki.cli", "stacki.client"),
    "framework": ("stacki.commands", "stacki.ws", "stacki.cli", "stacki.client"),
    "errors.py": ("stacki.",),
    "sysfiles.py": ("stacki.framework", "stacki.commands", "stacki.ws"),
    "home.py": ("stacki.framework", "stacki.commands", "stacki.ws", "stacki.apiusers"),
    "localnet.py": ("stacki.framework", "stacki.commands", "stacki.ws", "stacki.apiusers"),
}


def imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def modules(layer: str) -> list[Path]:
    target = ROOT / layer
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


CASES = [(layer, path) for layer in FORBIDDEN for path in modules(layer)]


@pytest.mark.parametrize("layer,path", CASES, ids=[str(p.relative_to(ROOT)) for _, p in CASES])
def test_imports_point_down(layer, path):
    bad = [name for name in imports(path)
           if any(name == f or name.startswith(f if f.endswith(".") else f + ".")
                  for f in FORBIDDEN[layer])]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from stacki.framework.command import Command\n")
    assert "stacki.framework.command" in imports(module)
