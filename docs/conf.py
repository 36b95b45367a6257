"""Sphinx configuration of the regionplan documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build`` (warnings are errors).
Reference pages are generated from the code: the hooks from their hookspec docstrings,
the problem codes from :data:`regionplan.plan.problems.CATALOGUE`, the units from
:data:`regionplan.plan.units.BASE_DEFINITIONS` and the command line from its click commands
(``_ext/regionplan_docs.py``), so they cannot drift from what the library does.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

import regionplan  # noqa: E402

project = "regionplan"
author = "The regionplan authors"
copyright = "the regionplan authors (MIT licence)"
release = regionplan.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "regionplan_docs",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples/README.md"]

myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
autodoc_default_options = {"show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Attributes become :ivar: fields, so attrs fields are not described twice.
napoleon_use_ivar = True

html_theme = "furo"
html_title = f"regionplan {release}"
