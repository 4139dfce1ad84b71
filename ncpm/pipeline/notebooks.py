"""The notebooks rendered: each executed in a fresh kernel against a run's results and written as HTML beside the
report (``ncpm demo``). Jupyter (nbformat, nbclient, nbconvert) is the optional extra ``ncpm[notebooks]``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ncpm.io.atomic import atomic_write_bytes
from ncpm.pipeline.project import project_root

log = logging.getLogger("ncpm")

NOTEBOOKS = ("knife_crime", "theft_from_person", "vehicle_crime", "ncpm_quarter")


def render_notebooks(out_dir: Path, *, source: str | Path | None = None, names: Iterable[str] = NOTEBOOKS,
                     timeout: int = 900, run: str | Path | None = None, workers: int = 2) -> list[Path]:
    """Execute the notebooks, each in a fresh kernel, and write each as HTML, atomically.

    ``run``: the output folder of the run whose results the notebooks read (given to them as their ``RUN``
    parameter, the papermill way: a cell tagged "injected-parameters" after the "parameters" one); None: their
    default, ``data/processed``. They read the run's tables and statements, so they show the report's figures and
    take seconds. ``workers``: how many notebooks run at once (each kernel is a process). ``source``: the folder
    holding ``<name>.ipynb`` (default: ``notebooks/`` of the project); a notebook that is not there is skipped.
    Returns the HTML files written, in the order of ``names``.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbconvert import HTMLExporter
    except ImportError:
        log.warning("notebooks not rendered: install the extra with  pip install 'ncpm[notebooks]'")
        return []

    source = Path(source) if source is not None else project_root() / "notebooks"
    folder = Path(out_dir)
    if folder.is_symlink():  # never written through: a link planted in the output folder could point anywhere
        log.warning("replaced the symbolic link %s with a folder before writing the notebooks", folder)
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)

    def render(path: Path) -> Path:
        nb = nbformat.read(path, as_version=4)
        if run is not None:
            at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
            cell = nbformat.v4.new_code_cell(f"RUN = {str(Path(run).resolve())!r}")
            cell.metadata["tags"] = ["injected-parameters"]
            nb.cells.insert(at + 1, cell)
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(source)}}).execute()
        html, _ = HTMLExporter().from_notebook_node(nb)
        out = folder / f"{path.stem}.html"
        atomic_write_bytes(out, html.encode("utf-8"))
        return out

    paths = [source / f"{name}.ipynb" for name in names if (source / f"{name}.ipynb").exists()]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(render, paths))
