"""The documentation builds from a clean copy with warnings as errors, gallery included.

The build runs in a temporary copy of docs/ (without any earlier build output), so every gallery
script is executed, every autosummary page generated and every include resolved, as in a fresh
clone. It is the slowest test of the suite (about a minute), hence marked ``slow``; it still runs
in the default ``make test``.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Produced by the build itself; a stale copy would hide a broken gallery or API page.
GENERATED = ("_build", "auto_examples", "gen_modules", "sg_execution_times.rst")
# Folders the pages include files from (literalinclude ../examples/..., ../studies/results/...).
INCLUDED_DIRS = ("examples", "benchmarks", "studies")


def _api_names(api_text, module):
    """Names documented under ``.. currentmodule:: module`` in api.rst.

    Either as entries of an autosummary table (indented names) or by a directive of their own
    (``.. autofunction:: name``, ``.. data:: name``).
    """
    names, current = set(), None
    for line in api_text.splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            current = m.group(1)
        elif current != module:
            continue
        elif m := re.match(r"   ([A-Za-z_][\w.]*)$", line):
            names.add(m.group(1))
        elif m := re.match(r"\.\. (?:autofunction|autoclass|data|autodata):: (\w+)$", line):
            names.add(m.group(1))
    return names


@pytest.mark.parametrize(
    "module",
    ["tiaug", "tiaug.functional", "tiaug.datasets", "tiaug.scene", "tiaug.normalize", "tiaug.units",
     "tiaug.integrations", "tiaug.seeding", "tiaug.testing.strategies", "samcl_loss"],
)
def test_api_reference_lists_every_public_name(module):
    mod = pytest.importorskip(module)
    public = set(getattr(mod, "__all__", ()))
    # Submodules of tiaug have their own sections; the package's __all__ lists them too (and a
    # submodule may share its name with a function, as tiaug.functional.ambience does).
    if module == "tiaug":
        public -= set(mod._SUBMODULES)
    assert public, f"{module} has no __all__ to document"
    listed = _api_names((DOCS / "api.rst").read_text(encoding="utf-8"), module)
    assert public - listed == set(), f"docs/api.rst misses public names of {module}"
    assert listed - public == set(), f"docs/api.rst lists names that {module} does not export"


def test_every_gallery_script_has_a_title_and_is_run():
    scripts = sorted((DOCS / "gallery").glob("*.py"))
    assert scripts
    for script in scripts:
        # sphinx-gallery executes only files matching filename_pattern (plot_) and needs a
        # docstring whose first line is an RST title.
        assert script.name.startswith("plot_"), script.name
        lines = script.read_text(encoding="utf-8").splitlines()
        assert lines[0] == '"""', script.name
        assert set(lines[2]) == {"="} and len(lines[2]) >= len(lines[1]), script.name


def _copy_docs(dst):
    shutil.copytree(DOCS, dst / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    for name in INCLUDED_DIRS:
        (dst / name).symlink_to(ROOT / name, target_is_directory=True)


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    pytest.importorskip("sphinx_gallery")
    pytest.importorskip("numpydoc")
    _copy_docs(tmp_path)
    src, out = tmp_path / "docs", tmp_path / "html"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src),
         str(out)],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )
    assert result.returncode == 0, (
        f"sphinx-build failed ({result.returncode}):\n{result.stderr[-6000:]}"
        f"\n{result.stdout[-2000:]}"
    )
    for script in sorted((src / "gallery").glob("plot_*.py")):
        # Every gallery script ran and produced at least one figure.
        assert (out / "auto_examples" / f"{script.stem}.html").exists(), script.name
        assert list((src / "auto_examples" / "images").glob(f"sphx_glr_{script.stem}_*.png")), (
            f"{script.name} produced no figure"
        )
    for page in ("index", "installation", "quickstart", "user_guide", "samcl", "examples",
                 "benchmarks", "validation", "api"):
        assert (out / f"{page}.html").exists(), page
