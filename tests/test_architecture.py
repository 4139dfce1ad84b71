"""The architecture, kept true: the subpackages are layers and their names are the import rule (issue 13).

``core <- methods <- words <- quarter <- pipeline <- cli``; ``io`` and ``demo`` import ``core`` only. A layer may
import itself and any layer before it, nothing after. The rule is by package, read from the folder tree: there are
no hand-kept module lists to go stale. ncpm modules are imported at the top of a module, where a reader sees them,
never inside a function (optional third-party extras such as Dask may be). ``methods`` never opens a file or reads
the clock. No statement number of the seed is written into code.
"""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ncpm"

ORDER = ["core", "methods", "words", "quarter", "pipeline", "cli"]
#: what each layer may import (besides itself and the package root's ``__version__``)
MAY_IMPORT = {layer: set(ORDER[:i]) for i, layer in enumerate(ORDER)}
MAY_IMPORT["io"] = {"core"}
MAY_IMPORT["demo"] = {"core"}
MAY_IMPORT["pipeline"] |= {"io", "demo"}
MAY_IMPORT["cli"] |= {"io", "demo"}
LAYERS = set(MAY_IMPORT)
PURE = ("methods", "words", "quarter")  # no files, no clock: canonical frames in, results out
#: the package roots that resolve their public names on first use (``ncpm.run``, ``ncpm.demo.write_demo``) through
#: importlib: the one kind of import inside a function the rule allows, so that ``import ncpm`` stays fast; and the
#: CLI's parser, which loads the commands (the pipeline) once the arguments are parsed: --help answers without pandas
LAZY_ROOTS = {PACKAGE / "__init__.py", PACKAGE / "demo" / "__init__.py", PACKAGE / "cli" / "parser.py"}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_layers(node) -> set[str]:
    """The ncpm layers an import statement names ('ncpm' itself for ``from ncpm import __version__``)."""
    if isinstance(node, ast.ImportFrom) and node.level:
        raise AssertionError(f"line {node.lineno}: relative import; ncpm imports are absolute")
    if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ncpm":
        parts = node.module.split(".")
        if len(parts) > 1:
            return {parts[1]}
        # from the root only the version and the layers themselves: a public name (``from ncpm import run``) would
        # reach any layer through the root's lazy lookup
        return {a.name if a.name in LAYERS else "ncpm" if a.name == "__version__" else f"ncpm.{a.name}"
                for a in node.names}
    if isinstance(node, ast.Import):
        return {a.name.split(".")[1] if "." in a.name else "import ncpm" for a in node.names
                if a.name.split(".")[0] == "ncpm"}
    if isinstance(node, ast.Call) and _dynamic_import(node):
        return {"importlib"}
    return set()


def _dynamic_import(node: ast.Call) -> bool:
    """``importlib.import_module("ncpm...")`` or ``__import__("ncpm...")``, the module named by a literal or f-string."""
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
    if name not in ("import_module", "__import__") or not node.args:
        return False
    first = node.args[0]
    text = first.value if isinstance(first, ast.Constant) else (
        first.values[0].value if isinstance(first, ast.JoinedStr) and first.values
        and isinstance(first.values[0], ast.Constant) else "")
    return isinstance(text, str) and text.split(".")[0] == "ncpm"


def _imports(path: Path):
    """(layer, line, inside a function) for every ncpm import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            for layer in _imported_layers(child):
                yield layer, child.lineno, in_function
            yield from walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    yield from walk(tree, False)


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "__init__.py")


def test_every_module_is_in_a_layer():
    loose = [str(p.relative_to(ROOT)) for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "__main__", "cli"}]
    assert not loose, "a module at the top of ncpm/ belongs in a layer's subpackage"
    for path in PACKAGE.iterdir():
        if path.is_dir() and (path / "__init__.py").exists():
            assert path.name in LAYERS, f"{path.name}/ is not a layer of the import rule"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path):
    layer = _layer(path)
    if layer == "__main__":
        return
    allowed = MAY_IMPORT[layer] | {layer, "ncpm"} | ({"importlib"} if path in LAZY_ROOTS else set())
    wrong = sorted({(name, line) for name, line, _ in _imports(path) if name not in allowed})
    assert not wrong, f"{layer} may import {sorted(MAY_IMPORT[layer])} only; it imports {wrong}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ncpm_is_imported_at_module_level(path):
    inside = sorted({(name, line) for name, line, in_function in _imports(path) if in_function
                     and not (name == "importlib" and path in LAZY_ROOTS)})
    assert not inside, f"ncpm imports inside functions (move them to the top of the module): {inside}"


def test_the_package_root_imports_nothing_at_import_time():
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom) and _imported_layers(n)]


#: calls that read or write files or read the clock (by the called name: ``open``, ``frame.to_csv``, ``time.time``)
FILE_OR_CLOCK = {"open", "read_csv", "read_parquet", "read_excel", "read_table", "read_json", "read_text", "read_bytes",
                 "write_text", "write_bytes", "to_csv", "to_parquet", "to_excel", "to_json", "savefig", "show", "load",
                 "save", "exists", "is_file", "is_dir", "iterdir", "glob", "rglob", "stat", "mkdir", "unlink", "now",
                 "today", "utcnow", "time", "monotonic", "perf_counter", "process_time", "files"}
#: the calls of those names that write to memory, not a file, each with where it is
IN_MEMORY = {("ncpm/words/report_docx.py", "save")}  # python-docx's Document.save into an io.BytesIO


@pytest.mark.parametrize("layer", PURE)
def test_pure_layers_touch_no_files_and_no_clock(layer):
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
                if name in FILE_OR_CLOCK and (str(path.relative_to(ROOT)), name) not in IN_MEMORY:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
    assert not found, f"{layer} reads or writes files or reads the clock: {found}"


# Numbers that only the seed's statements S1-S9 use: they may be calibration targets in the demo generator, never
# literals in the library or notebooks (method constants such as 12, 36, 1.96 and 3 are not in this list).
STATEMENT_NUMBERS = {481, 126, 77, 83, 26, 17, 21, 7.3, 3.2, 4.3, 0.073, 0.032, 0.043, 0.015, 0.77, 0.83}


def _literals(source: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            yield node.value
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "36th" in node.value:
            yield "36th"


def _code_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] != "demo":  # the demo's calibration targets are these numbers
            yield path, path.read_text(encoding="utf-8")
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield nb, "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))


def test_no_statement_number_is_written_into_code():
    offenders = [(str(p.relative_to(ROOT)), v) for p, src in _code_sources() for v in _literals(src)
                 if v == "36th" or v in STATEMENT_NUMBERS]
    assert not offenders
