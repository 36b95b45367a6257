"""A JSON-stat 2.0 dataset once read: its dimensions, its structure and its values.

A dataset is one flat ``value`` array over the cross product of its dimensions, in
the order of ``id``; :class:`JsonStatDataset` holds it as one numpy array of the
dataset's shape. :class:`JsonStatStructure` is the same without the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from regionplan.errors import DataSourceError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Dimension", "JsonStatDataset", "JsonStatStructure"]


@attrs.frozen
class Dimension:
    """One dimension of a dataset.

    Attributes:
        id: the dimension's id (``"Region"``).
        label: its label, or the id when it has none.
        codes: category codes in index order.
        labels: category labels, parallel to ``codes`` (the code when unlabelled).
        units: unit text by category code, for categories that carry a unit.
        extension: the dimension's ``extension`` object (SSB: ``elimination``, ``codelists``).
    """

    id: str
    label: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    units: Mapping[str, str] = attrs.field(factory=dict)
    extension: Mapping[str, Any] = attrs.field(factory=dict)
    # Code -> index, built once: looking codes up in the tuple made selecting every
    # category of a dimension quadratic in its size.
    _index: Mapping[str, int] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.codes)})

    def position(self, code: str) -> int:
        """The index of a category code.

        Raises:
            DataSourceError: the dimension has no such category.
        """
        try:
            return self._index[code]
        except KeyError:
            msg = f"dimension {self.id!r} has no category {code!r} (it has: {_preview(self.codes)})"
            raise DataSourceError(msg) from None

    def __contains__(self, code: object) -> bool:
        """Whether ``code`` is one of the dimension's categories (a dictionary lookup)."""
        return code in self._index


@attrs.frozen
class JsonStatStructure:
    """A dataset's dimensions without its values (what a metadata response holds).

    Attributes:
        ids: dimension ids in storage order.
        dimensions: the dimensions by id.
        roles: role name to dimension ids.
        label, source, updated: the dataset's own fields ("" when absent).
        extension: the dataset's ``extension`` object.
    """

    ids: tuple[str, ...]
    dimensions: Mapping[str, Dimension]
    roles: Mapping[str, tuple[str, ...]]
    label: str = ""
    source: str = ""
    updated: str = ""
    extension: Mapping[str, Any] = attrs.field(factory=dict)

    def role(self, name: str) -> str | None:
        """The one dimension with a role, or ``None`` when no dimension has it.

        Raises:
            DataSourceError: several dimensions share the role.
        """
        dims = self.roles.get(name, ())
        if len(dims) > 1:
            msg = f"several dimensions have the role {name!r} ({', '.join(dims)}); name one"
            raise DataSourceError(msg)
        return dims[0] if dims else None


@attrs.frozen(eq=False)
class JsonStatDataset(JsonStatStructure):
    """A checked JSON-stat 2.0 dataset: its structure and its values.

    Attributes:
        values: float array of shape ``sizes``; ``NaN`` where the value is null or absent.
        status: object array of the same shape with each value's status (``None`` when it has none).
    """

    values: np.ndarray = attrs.field(kw_only=True)
    status: np.ndarray = attrs.field(kw_only=True)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(self.dimensions[d].codes) for d in self.ids)

    def value_at(self, **codes: str) -> float:
        """One value by the category code of every dimension (tests, debugging)."""
        index = tuple(self.dimensions[d].position(codes[d]) for d in self.ids)
        return float(self.values[index])


def _preview(codes: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f", … ({len(codes)} in all)" if len(codes) > limit else "")
