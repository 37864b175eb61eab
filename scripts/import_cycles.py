"""Print the run-time import cycles (strongly connected components) of a package.

Why: import-linter's layer contracts only cover the modules they name, and a cycle through a
function-local import still ties two modules together (each needs the other to work). This
reads every import statement with `ast` -- top-level and inside functions alike, skipping
`if TYPE_CHECKING:` blocks -- so the graph is what can run, not what a checker sees.

    python scripts/import_cycles.py rerun rerun_core rerun_notebook [--package-inits]
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_files(package: str) -> dict[str, Path]:
    """Map every module of `package` (a top-level directory under ROOT) to its file."""
    base = ROOT / package
    out: dict[str, Path] = {}
    for path in base.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    """True for `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (no run-time import)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can execute, at any depth."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module that `name` names or lies in (an attribute import)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def build_graph(packages: list[str], *, package_inits: bool = False) -> dict[str, set[str]]:
    """module -> modules it imports at run time (within `packages`).

    As import-linter (grimp), an edge is an import statement naming the module. With
    `package_inits`, importing `a.b.c` from outside `a.b` also depends on `a.b` itself (its
    `__init__` runs first); the top-level package is left out, as it is always loaded first.
    """
    modules: dict[str, Path] = {}
    for package in packages:
        modules.update(_module_files(package))
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target in _targets(name, path, modules):
            dep = _resolve(target, modules)
            if dep is not None and dep != name:
                graph[name].add(dep)
    if package_inits:
        for name, deps in graph.items():
            for dep in list(deps):
                parent = dep.rpartition(".")[0]
                while "." in parent:
                    if parent in modules and parent != name and not name.startswith(parent + "."):
                        deps.add(parent)
                    parent = parent.rpartition(".")[0]
    return graph


def _targets(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The dotted names each run-time import statement of module `name` refers to."""
    is_pkg = path.name == "__init__.py"
    pkg_parts = name.split(".") if is_pkg else name.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
            continue
        if node.level:
            base_parts = pkg_parts[: len(pkg_parts) - (node.level - 1)]
            base = ".".join(base_parts + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        # `from pkg import sub` imports the submodule when there is one, else a name defined
        # in pkg itself.
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            yield sub if sub in modules else base


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return sorted(out, key=lambda c: (-len(c), c))


def main(argv: list[str]) -> int:
    package_inits = "--package-inits" in argv
    packages = [a for a in argv if not a.startswith("--")] or ["rerun"]
    found = cycles(build_graph(packages, package_inits=package_inits))
    for component in found:
        print(f"{len(component)}: {' '.join(component)}")
    if not found:
        print("no import cycles")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
