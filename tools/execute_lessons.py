"""Run the lessons headless and store their outputs: the ``make outputs`` command.

    python tools/execute_lessons.py                              # every lessons/NN_*.ipynb
    python tools/execute_lessons.py lessons/03_liquidation_mechanics.ipynb

Each notebook runs in order, in a fresh kernel of the Python running this script (so the
project's .venv, whatever kernelspecs the machine has), with the notebook's own folder as the
working directory and a time limit per cell. Outputs and the widget state are stored (nbclient's
default ``store_widget_state``: it also lets GitHub and Binder's preview show the controls).
Then the volatile parts are made stable, so that running twice gives byte-identical files:

* widget model ids (random per run) are renumbered from the notebook's name and the order in
  which the widgets were created;
* per-cell execution timestamps are not recorded (and any old ones are dropped);
* ``metadata.language_info`` keeps only ``name`` (no Python version), ``kernelspec`` is the
  project's;
* the file is written by lesson_cells.write_notebook (nbformat JSON, sorted keys, indent 1,
  final newline) and only when its text changed.

A lesson is refused (not written, exit status 1) when a cell raises, when any output, including
an Output widget's, is on stderr (a warning, for example), or when running it created or changed
a file in lessons/ other than a notebook or a markdown page (a lesson must not write into the
repository; tests/test_lesson_hygiene.py also looks for file writes in the sources). The
student copy of every lesson written is regenerated (tools/student_copies.py). The time each
lesson took is printed.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbformat import NotebookNode

from lesson_cells import KERNELSPEC, LANGUAGE_INFO, notebook_text, read_notebook
from student_copies import LESSONS, ROOT, lesson_paths, write_student_copy

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DEFAULT_TIMEOUT = 120


class LessonError(Exception):
    """A lesson that must not be stored: the message says which cell and why."""


def execute_notebook(
    nb: NotebookNode, *, name: str, cwd: Path, timeout: int = DEFAULT_TIMEOUT, watch: Path | None = None
) -> NotebookNode:
    """Run ``nb`` in a fresh kernel and return the stable, stored-form result.

    ``nb`` is not changed. ``name`` (the file name) seeds the widget ids. ``watch`` is a folder
    that running the notebook must leave as it was (notebooks inside it excepted); it defaults
    to ``cwd``. Raises LessonError for an error, a stderr output or a file written.
    """
    nb = copy.deepcopy(nb)
    _clear(nb)
    watch = cwd if watch is None else watch
    before = _files(watch)
    client = _ThisPythonClient(
        nb, timeout=timeout, record_timing=False, resources={"metadata": {"path": str(cwd)}}
    )
    try:
        client.execute()
    except CellTimeoutError as error:
        raise LessonError(f"{name}: a cell ran past the {timeout} s limit\n{error}") from None
    except CellExecutionError as error:
        raise LessonError(f"{name}: a cell raised\n{error}") from None
    written = sorted(str(p.relative_to(watch)) for p, stamp in _files(watch).items() if before.get(p) != stamp)
    if written:
        raise LessonError(f"{name}: running it wrote into {watch}: {', '.join(written)}")
    problems = list(_stderr_outputs(nb))
    if problems:
        raise LessonError(f"{name}: output on stderr or an error:\n" + "\n".join(problems))
    _stabilize_metadata(nb)
    return stabilize_widget_ids(nb, name)


def execute_lesson(path: Path, *, timeout: int = DEFAULT_TIMEOUT, watch: Path | None = None) -> bool:
    """Run one lesson file and store it if its text changed; return True when it changed."""
    path = Path(path).resolve()
    result = execute_notebook(read_notebook(path), name=path.name, cwd=path.parent, timeout=timeout, watch=watch)
    text = notebook_text(result)
    if path.read_text(encoding="utf-8") == text:
        return False
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return True


def stable_model_id(name: str, index: int) -> str:
    """The model id given to the ``index``-th widget created by notebook ``name``.

    >>> stable_model_id("00_start_here.ipynb", 0) == stable_model_id("00_start_here.ipynb", 0)
    True
    >>> len(stable_model_id("00_start_here.ipynb", 0))
    32
    """
    return hashlib.sha256(f"margin-lab/{name}/{index}".encode("utf-8")).hexdigest()[:32]


def stabilize_widget_ids(nb: NotebookNode, name: str) -> NotebookNode:
    """Return ``nb`` with every widget model id replaced by ``stable_model_id(name, i)``.

    Ids are numbered in the order the stored widget state lists them (the order the kernel
    created the widgets), then any id seen only in an output. Every occurrence is replaced:
    state keys, ``IPY_MODEL_`` references, widget-view outputs, and text that quotes an id.
    """
    ids = list(nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}))
    for output in _outputs(nb):
        model_id = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
        if model_id and model_id not in ids:
            ids.append(model_id)
    text = json.dumps(nb)
    for index, model_id in enumerate(ids):
        text = text.replace(model_id, stable_model_id(name, index))
    return nbformat.from_dict(json.loads(text))


class _ThisPythonClient(NotebookClient):
    """An nbclient that always starts its kernel with the Python running this script."""

    def create_kernel_manager(self):
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

        class ThisPython(KernelSpecManager):
            def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
                return KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    display_name=KERNELSPEC["display_name"],
                    language="python",
                    resource_dir=str(ROOT),
                    metadata={"supported_encryption": ["curve"]},
                )

        import zmq

        # CurveZMQ keys for the local sockets when pyzmq has them (as the venv's kernel.json
        # declares); otherwise ipykernel 7 warns about plain TCP on every start.
        encryption = "auto" if zmq.has("curve") else "disabled"
        self.km = self.kernel_manager_class(
            kernel_name=KERNELSPEC["name"],
            kernel_spec_manager=ThisPython(),
            transport_encryption=encryption,
            config=self.config,
        )
        return self.km


def _clear(nb: NotebookNode) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def _stabilize_metadata(nb: NotebookNode) -> None:
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def _outputs(nb: NotebookNode) -> Iterator[dict]:
    """Every output: the cells' and those stored in Output widgets' state."""
    for cell in nb.cells:
        yield from cell.get("outputs", [])
    for model in nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}).values():
        yield from model.get("state", {}).get("outputs", [])


def _stderr_outputs(nb: NotebookNode) -> Iterator[str]:
    for output in _outputs(nb):
        if output.get("output_type") == "error":
            yield f"  {output.get('ename')}: {output.get('evalue')}"
        elif output.get("output_type") == "stream" and output.get("name") == "stderr":
            yield "  stderr: " + "".join(output.get("text", "")).strip()


def _files(folder: Path) -> dict[Path, tuple[int, int]]:
    """(mtime, size) of every file under ``folder`` a lesson could write by mistake.

    Notebooks (written by the tools and by JupyterLab), markdown (edited by people, possibly
    while a lesson runs) and caches are left out.
    """
    found = {}
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = [d for d in subdirectories if d not in {".ipynb_checkpoints", "__pycache__"}]
        for file_name in names:
            if not file_name.endswith((".ipynb", ".md")):
                path = Path(directory, file_name)
                stat = path.stat()
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", type=Path, help="lesson notebooks (default: every lessons/NN_*.ipynb)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds allowed per cell")
    parser.add_argument("--no-student-copies", action="store_true", help="do not regenerate lessons/student/")
    args = parser.parse_args(argv)
    paths = args.lessons or lesson_paths(LESSONS)
    if not paths:
        print(f"no lessons found in {LESSONS}", file=sys.stderr)
        return 1
    failed = []
    started = time.perf_counter()
    for path in paths:
        begin = time.perf_counter()
        try:
            changed = execute_lesson(path, timeout=args.timeout)
        except LessonError as error:
            failed.append(path.name)
            print(f"{path.name:<36} FAILED after {time.perf_counter() - begin:5.1f} s\n{error}\n", file=sys.stderr)
            continue
        if not args.no_student_copies:
            write_student_copy(Path(path).resolve())
        state = "updated" if changed else "unchanged"
        print(f"{path.name:<36} {time.perf_counter() - begin:5.1f} s  {state}", flush=True)
    print(f"{'total':<36} {time.perf_counter() - started:5.1f} s  ({len(paths) - len(failed)} of {len(paths)} stored)")
    if failed:
        print(f"not stored: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
