"""Make a plan for another region from an existing one (``regionplan new``).

The template's marks (the ``template`` field of its elements, actors, metrics and targets)
say what is generic and kept, what belonged to its own region and is dropped, and what is
kept to be rewritten. The new plan gets the new members with their code histories and
counties from the bundled municipality changes (SSB's KLASS 131), actors for its own
municipalities and counties, the region's name and member count in its texts, and the data
sources that cover its members. Comments and layout of the template's files are kept, and
``ADAPT.md`` lists what is left to decide, each with its file and line.

* :mod:`.members` — members from codes or names, code histories, counts in words;
* :mod:`.counties` — counties from municipality codes through the 2018, 2020 and 2024 reforms;
* :mod:`.marks` — the marks, and what a new plan drops;
* :mod:`.sources` — which sources still fit the new members;
* :mod:`.files`, :mod:`.lines`, :mod:`.comments`, :mod:`.text`, :mod:`.build` — editing files
  with their comments and layout kept;
* :mod:`.adapt` — ``ADAPT.md``; :mod:`.new` — the passes of :func:`new_plan`.
"""

from __future__ import annotations

from regionplan.scaffold.members import code_for, slug
from regionplan.scaffold.new import new_plan

__all__ = ["code_for", "new_plan", "slug"]
