"""Sphinx configuration for the tiaug + samcl-loss documentation.

Builds offline: no intersphinx inventories are fetched and MathJax is only referenced by the
generated pages. Warnings are errors (``sphinx-build -W``), so every page must resolve.
"""

import os
import shutil
from pathlib import Path

# The gallery runs in-process: one BLAS/torch thread is plenty for its small frames and keeps a
# build on a small shared machine from oversubscribing it. Set before numpy/torch load.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib  # noqa: E402

# Headless figures for the gallery, whatever backend the builder's environment prefers.
matplotlib.use("Agg")

import tiaug  # noqa: E402

DOCS = Path(__file__).resolve().parent


def _remove_stale_outputs():
    """Drop generated pages that no longer have a source, which -W would turn into errors.

    gen_modules/ is cheap to regenerate, so it is rebuilt each time (stubs of renamed or removed
    API names would otherwise linger); in auto_examples/ only the outputs of deleted gallery
    scripts go, so unchanged scripts are not re-executed.
    """
    shutil.rmtree(DOCS / "gen_modules", ignore_errors=True)
    scripts = {p.stem for p in (DOCS / "gallery").glob("*.py")}
    for out in (DOCS / "auto_examples").glob("plot_*"):
        if out.name.split(".")[0] not in scripts:
            out.unlink()


_remove_stale_outputs()

project = "tiaug + samcl-loss"
author = "the tiaug developers"
copyright = "the tiaug developers"
version = release = tiaug.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# gallery/ holds the gallery sources; sphinx-gallery turns them into auto_examples/.
exclude_patterns = ["_build", "gallery", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path = []
html_theme = "alabaster"
html_theme_options = {
    "description": "Thermal image augmentation and the SAM-CL loss",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_title = "tiaug + samcl-loss"

# API pages: autosummary writes one stub per public name into gen_modules/ (git-ignored).
autosummary_generate = True
autodoc_typehints = "none"
autodoc_member_order = "bysource"
# Methods without a docstring of their own (nn.Module.extra_repr, object.__call__, a transform's
# sample/apply, documented once on tiaug.Transform) stay off the class pages.
autodoc_inherit_docstrings = False
# numpydoc would list class members a second time next to autodoc's :members: -> duplicate objects.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "download_all_examples": False,
    # No sg_execution_times.rst in the source tree: timings would dirty the checkout on each build.
    "write_computation_times": False,
    "show_signature": False,
    "thumbnail_size": (320, 224),
    # A failing example fails the build (with -W): the gallery is a test of the public API too.
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    "matplotlib_animations": False,
}
