"""The project's modules import in one direction: no circle, and no import from a lower layer
to a higher one.

    config  →  contamination.api, statements.api  →  contamination core (models, querysets,
    data_version, geojson, stats, …);   statements  →  contamination, never the reverse.

Read from the source with `ast` (function-level imports count: a circle hidden in a function
is still a circle), so the test needs no database.
"""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "contamination", "statements", "changefeed", "ogc", "bench", "tests")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    """{module name: path} of every Python file of the project's packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            # Hidden directories hold tools, not the project (bench/.work: pygeoapi's venv).
            if any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                continue
            found[module_name(path)] = path
    return found


def imported_names(path, module):
    """Every module name `path` imports, anywhere in it (absolute, relative resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            yield target
            for alias in node.names:
                yield f"{target}.{alias.name}"  # `from package import module`


def import_graph():
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        targets = {name for name in imported_names(path, module) if name in modules}
        targets.discard(module)
        graph[module] = targets
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, lowlink, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                lowlink[node] = min(lowlink[node], lowlink[target])
            elif target in on_stack:
                lowlink[node] = min(lowlink[node], index[target])
        if lowlink[node] == index[node]:
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
        if node not in index:
            visit(node)
    return found


def within(module, package):
    return module == package or module.startswith(package + ".")


# (who, what it must not import, why)
FORBIDDEN = [
    (
        lambda m: within(m, "contamination") and not within(m, "contamination.api"),
        lambda t: within(t, "contamination.api") or within(t, "config"),
        "contamination's core never imports its API or the project's config",
    ),
    (
        lambda m: within(m, "contamination.api") or within(m, "statements.api"),
        lambda t: within(t, "config"),
        "an API package never imports config (config imports it)",
    ),
    (
        lambda m: within(m, "contamination"),
        lambda t: within(t, "statements"),
        "contamination never imports statements (statements builds on it)",
    ),
    (
        lambda m: within(m, "contamination") or within(m, "statements"),
        lambda t: within(t, "ogc"),
        "the OGC API builds on both apps; neither imports it",
    ),
    (
        lambda m: within(m, "contamination") or within(m, "statements"),
        lambda t: within(t, "changefeed"),
        "the change feed reads both apps' history; neither imports it",
    ),
]


class ImportLayerTests(SimpleTestCase):
    def test_the_import_graph_has_no_circle(self):
        graph = import_graph()
        self.assertIn("contamination.api.views", graph["config.api_urls"])  # the graph is read
        self.assertEqual(cycles(graph), [])

    def test_no_module_imports_from_a_higher_layer(self):
        graph = import_graph()
        violations = [
            f"{module} imports {target}: {why}"
            for module, targets in sorted(graph.items())
            for target in sorted(targets)
            for who, what, why in FORBIDDEN
            if who(module) and what(target)
        ]
        self.assertEqual(violations, [])

    def test_the_checks_see_a_circle_and_a_wrong_direction(self):
        # The checks themselves can fail: a made-up circle and a core module importing config.
        self.assertEqual(
            cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}), [["a", "b", "c"]]
        )
        who, what, _ = FORBIDDEN[0]
        self.assertTrue(who("contamination.views") and what("config.api_urls"))
        self.assertFalse(who("contamination.api.views"))
