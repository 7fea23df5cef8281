"""The package's shape: kernels import no area, no two modules import each other (directly or round
a circle), and no module is over 400 lines. Read from the source, so it holds for every import,
including those inside functions."""

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "covenant_portal"
# Modules and packages that serve every area and must know none of them.
KERNELS = {
    "access",
    "audit",
    "config",
    "db",
    "errors",
    "filters",
    "jobs",
    "mail",
    "private_files",
    "security",
    "signing",
    "web",
}
MOST_LINES = 400


def module_name(path: Path) -> str:
    parts = ["covenant_portal", *path.relative_to(PACKAGE_DIR).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def imported_modules(name: str) -> set[str]:
    """The package's modules that `name` imports (a `from package import submodule` counts as the
    submodule; anything else as the deepest module that the dotted name falls in)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imported_modules(name) for name in MODULES}


def part_of(name: str) -> str:
    pieces = name.split(".")
    return pieces[1] if len(pieces) > 1 else ""


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import one another round a circle (strongly connected components)."""
    order, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in order:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], order[target])
        if low[node] == order[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def test_the_checker_finds_a_circle_and_ignores_a_chain():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_checker_reads_imports_inside_functions():
    assert "covenant_portal.accounts.area" in GRAPH["covenant_portal"]  # imported inside portal_areas()


def test_no_kernel_imports_an_area():
    leaks = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if part_of(name) in KERNELS
        for target in sorted(targets)
        if part_of(target) and part_of(target) not in KERNELS
    ]
    assert leaks == []


def test_no_modules_import_each_other_round_a_circle():
    assert circles(GRAPH) == []


def test_no_module_is_over_400_lines():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    assert {name: lines for name, lines in lengths.items() if lines > MOST_LINES} == {}
