"""The domain model of a regional plan: frozen value objects.

A :class:`Plan` holds the plan's metadata, its region and member municipalities,
the actors, the plan elements (vision, goals, focus areas, actions, projects,
framework conditions, open questions), the metrics and the targets. Elements and
their links form the goal graph (:mod:`regionplan.plan.graph`).

Objects are built by :mod:`regionplan.plan.files` from plan files, or directly in
code, where each field's type is checked at construction and unambiguous values are
converted (:mod:`regionplan.plan.fields`); :func:`regionplan.check` checks the whole plan.
Each remembers where it was written (``location``), which does not take part in equality.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import attrs

from regionplan.errors import Location
from regionplan.plan.fields import checked_fields
from regionplan.plan.labels import DEFAULT_LANGUAGE, Label
from regionplan.plan.periods import PeriodSpec

__all__ = [
    "Actor",
    "Comparator",
    "Contribution",
    "Direction",
    "Element",
    "ElementKind",
    "Label",
    "MergeRule",
    "Metric",
    "Municipality",
    "MunicipalityCode",
    "Plan",
    "PlanMeta",
    "PlanStatus",
    "Region",
    "Responsibility",
    "Role",
    "SourceSpec",
    "Target",
    "TargetKind",
]


def _location_field() -> Any:
    return attrs.field(default=None, eq=False, repr=False)


class PlanStatus(enum.Enum):
    """Where a plan stands in its political life."""

    DRAFT = "draft"
    CONSULTATION = "consultation"
    ADOPTED = "adopted"
    REVISED = "revised"
    EXPIRED = "expired"


@attrs.frozen(field_transformer=checked_fields)
class Comparator:
    """An area to compare with: ``county``, ``norway``, ``region`` (of ``codes``) or ``members``."""

    id: str
    kind: str
    name: Label = attrs.field(factory=lambda: Label(()))
    codes: tuple[str, ...] = ()
    location: Location | None = _location_field()


@attrs.frozen(field_transformer=checked_fields)
class PlanMeta:
    """The plan's identity and period."""

    id: str
    title: Label
    period_start: int
    period_end: int
    status: PlanStatus = PlanStatus.DRAFT
    version: str = ""
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE, "en")
    owner: str = ""
    adopted: dt.date | None = None
    #: the day each year the plan is reported on, as ``MM-DD`` (e.g. ``"04-30"``); "" if none
    reporting_day: str = ""
    description: Label = attrs.field(factory=lambda: Label(()))
    source_document: str = ""
    #: folders outside the plan's folder that its includes and sources may read, as written
    allow_paths: tuple[str, ...] = ()
    comparators: tuple[Comparator, ...] = ()
    location: Location | None = _location_field()

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.period_start, 1, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.period_end, 12, 31)


@attrs.frozen(field_transformer=checked_fields)
class MunicipalityCode:
    """One code of a municipality and the days it is valid (``None``: open-ended)."""

    code: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    location: Location | None = _location_field()

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@attrs.frozen(field_transformer=checked_fields)
class Municipality:
    """A member municipality and its codes through the reforms."""

    id: str
    name: Label
    codes: tuple[MunicipalityCode, ...]
    location: Location | None = _location_field()

    def code_on(self, day: dt.date) -> str | None:
        """The code valid on ``day``, if the plan lists one."""
        for c in self.codes:
            if c.valid_on(day):
                return c.code
        return None

    @property
    def current_code(self) -> str:
        """The code with the latest start (the one in use now)."""
        return max(self.codes, key=lambda c: c.valid_from or dt.date.min).code

    @property
    def all_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)


@attrs.frozen(field_transformer=checked_fields)
class Region:
    """The region a plan is for."""

    id: str
    name: Label
    municipalities: tuple[Municipality, ...]
    county: Label = attrs.field(factory=lambda: Label(()))
    description: Label = attrs.field(factory=lambda: Label(()))
    location: Location | None = _location_field()

    def member_codes(self, day: dt.date) -> tuple[str, ...]:
        """Every member's code valid on ``day`` (members without one are left out)."""
        return tuple(c for m in self.municipalities if (c := m.code_on(day)) is not None)

    @property
    def current_codes(self) -> tuple[str, ...]:
        return tuple(m.current_code for m in self.municipalities)

    @property
    def all_codes(self) -> tuple[str, ...]:
        return tuple(c for m in self.municipalities for c in m.all_codes)


class Role(enum.Enum):
    """How an actor takes part in an element."""

    OWNER = "owner"
    CONTRIBUTOR = "contributor"


@attrs.frozen(field_transformer=checked_fields)
class Actor:
    """Someone responsible for parts of the plan: a council, a municipality, business."""

    id: str
    name: Label
    kind: str = "other"
    municipality: str | None = None
    description: Label = attrs.field(factory=lambda: Label(()))
    location: Location | None = _location_field()


class ElementKind(enum.Enum):
    """The kinds of element a regional plan is made of."""

    VISION = "vision"
    MAIN_GOAL = "main_goal"
    SUB_GOAL = "sub_goal"
    STRATEGY = "strategy"
    FOCUS_AREA = "focus_area"
    ACTION = "action"
    PROJECT = "project"
    TOOL = "tool"
    FRAMEWORK_CONDITION = "framework_condition"
    OPEN_QUESTION = "open_question"

    @property
    def is_goal(self) -> bool:
        """Goals are what targets measure and statuses roll up to."""
        return self in {ElementKind.VISION, ElementKind.MAIN_GOAL, ElementKind.SUB_GOAL}

    @property
    def is_action(self) -> bool:
        """Things someone must do: they need a responsible actor."""
        return self in {ElementKind.ACTION, ElementKind.PROJECT, ElementKind.TOOL}

    @property
    def label(self) -> Label:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ElementKind.VISION: Label({"nb": "Visjon", "en": "Vision"}),
    ElementKind.MAIN_GOAL: Label({"nb": "Hovedmål", "en": "Main goal"}),
    ElementKind.SUB_GOAL: Label({"nb": "Delmål", "en": "Sub-goal"}),
    ElementKind.STRATEGY: Label({"nb": "Strategi", "en": "Strategy"}),
    ElementKind.FOCUS_AREA: Label({"nb": "Hovedsatsingsområde", "en": "Focus area"}),
    ElementKind.ACTION: Label({"nb": "Handlingsprogram", "en": "Action programme"}),
    ElementKind.PROJECT: Label({"nb": "Prosjekt/tiltak", "en": "Project/measure"}),
    ElementKind.TOOL: Label({"nb": "Verktøy", "en": "Tool"}),
    ElementKind.FRAMEWORK_CONDITION: Label({"nb": "Rammefaktor", "en": "Framework condition"}),
    ElementKind.OPEN_QUESTION: Label({"nb": "Avklaring", "en": "Open question"}),
}


@attrs.frozen(field_transformer=checked_fields)
class Contribution:
    """A contributes-to link from an element to a parent, with its weight."""

    parent: str
    weight: float = 1.0
    location: Location | None = _location_field()


@attrs.frozen(field_transformer=checked_fields)
class Responsibility:
    """An actor's part in an element."""

    actor: str
    role: Role = Role.OWNER
    location: Location | None = _location_field()


@attrs.frozen(field_transformer=checked_fields)
class Element:
    """One element of the plan: a goal, a focus area, an action, a question..."""

    id: str
    kind: ElementKind
    title: Label
    description: Label = attrs.field(factory=lambda: Label(()))
    contributes_to: tuple[Contribution, ...] = ()
    responsible: tuple[Responsibility, ...] = ()
    sdg: tuple[str, ...] = ()
    aligned_with: tuple[str, ...] = ()
    timing: str = ""
    number: str = ""
    notes: tuple[Label, ...] = ()
    location: Location | None = _location_field()

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(c.parent for c in self.contributes_to)


class Direction(enum.Enum):
    """Which way is better for a metric. Required on every metric."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"

    @property
    def sign(self) -> int:
        """+1 when more is better, -1 when less is better, 0 for maintain."""
        return {"increase": 1, "decrease": -1, "maintain": 0}[self.value]


@attrs.frozen(field_transformer=checked_fields)
class SourceSpec:
    """A metric's data source: the source's registered name and its query."""

    name: str
    query: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    location: Location | None = _location_field()
    #: where each key of the query was written (its value's place)
    key_locations: Mapping[str, Location] = attrs.field(factory=dict, eq=False, repr=False)


class MergeRule(enum.Enum):
    """How a metric's sources combine (its ``merge``): ``fallback`` (the first that delivers, completed
    by later ones for the municipalities it lacks), ``first_wins`` (all merged by municipality and
    period, the source listed first winning) or ``newest_period_wins`` (the one reaching furthest wins)."""

    FALLBACK = "fallback"
    FIRST_WINS = "first_wins"
    NEWEST_PERIOD_WINS = "newest_period_wins"


@attrs.frozen(field_transformer=checked_fields)
class Metric:
    """A measurable quantity with a unit.

    Exactly one of ``sources`` (observed data) and ``derived`` (an expression over other
    metrics, see :mod:`regionplan.plan.expressions`) is set. ``projection_min_points`` is the
    fewest observations from a target's baseline on that a trend projection is made from (>= 3).
    """

    id: str
    title: Label
    unit: str
    direction: Direction
    aggregation: str = "sum"
    weight: str | None = None
    sources: tuple[SourceSpec, ...] = ()
    derived: str | None = None
    period: PeriodSpec = attrs.field(factory=PeriodSpec)
    publication_lag_months: int = 12
    description: Label = attrs.field(factory=lambda: Label(()))
    decimals: int | None = None
    projection_min_points: int = 5
    merge: MergeRule = MergeRule.FALLBACK
    location: Location | None = _location_field()


class TargetKind(enum.Enum):
    """The kinds of target the evaluation knows (see :class:`Target` and :mod:`regionplan.evaluation.evaluator`)."""

    LEVEL = "level"
    CHANGE = "change"
    ANNUAL_TREND = "annual_trend"
    GROWTH_VS = "growth_vs"
    RECOVERY = "recovery"
    MILESTONE = "milestone"


@attrs.frozen(field_transformer=checked_fields)
class Target:
    """How far a metric must move, by when, for one element.

    Which fields matter depends on ``kind``:

    * ``level``: reach ``value`` by ``deadline``.
    * ``change``: move by ``change`` (in the metric's unit, or percent with
      ``relative``) from ``baseline`` by ``deadline``.
    * ``annual_trend``: improve every year from ``baseline`` (``every_year``), or by
      at least ``change`` per year on average (``relative``: percent per year).
    * ``growth_vs``: the metric grows at least as fast as ``other`` from
      ``baseline`` (growth in percent; ``tolerance`` in percentage points).
    * ``recovery``: get back to the level of ``baseline`` (the last period before a
      shock; ``shock`` names the period of the fall).
    * ``milestone``: at least ``value`` (a count) by ``deadline``.

    A target measured from a base period is also judged from each of the
    ``baseline_window`` years before it, to show whether its verdict hangs on the
    choice (see :mod:`regionplan.evaluation.sensitivity`).
    """

    id: str
    element: str
    metric: str
    kind: TargetKind
    title: Label = attrs.field(factory=lambda: Label(()))
    value: float | None = None
    value_unit: str | None = None
    change: float | None = None
    relative: bool = False
    baseline: str | None = None
    deadline: str | None = None
    shock: str | None = None
    other: str | None = None
    every_year: bool = False
    tolerance: float = 0.0
    weight: float = 1.0
    area: str | None = None
    projection: str = "linear"
    policy: str = "default"
    location: Location | None = _location_field()
    #: years before the baseline from which the verdict is judged again (0: not at all)
    baseline_window: int = 3


@attrs.frozen(field_transformer=checked_fields)
class Plan:
    """A whole regional plan."""

    meta: PlanMeta
    region: Region
    actors: tuple[Actor, ...] = ()
    elements: tuple[Element, ...] = ()
    metrics: tuple[Metric, ...] = ()
    targets: tuple[Target, ...] = ()
    files: tuple[str, ...] = attrs.field(default=(), eq=False)
    base_dir: str = attrs.field(default=".", eq=False)
    #: folders outside ``base_dir`` its sources may read (absolute): the plan's own
    #: ``allow_paths`` and those its reader was given (``--allow-path``)
    allowed_paths: tuple[str, ...] = attrs.field(default=(), eq=False)

    @property
    def title(self) -> Label:
        return self.meta.title

    def element(self, id: str) -> Element:
        return _find(self.elements, id, "element")

    def metric(self, id: str) -> Metric:
        return _find(self.metrics, id, "metric")

    def actor(self, id: str) -> Actor:
        return _find(self.actors, id, "actor")

    def target(self, id: str) -> Target:
        return _find(self.targets, id, "target")

    def elements_of_kind(self, kind: ElementKind) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.kind is kind)

    def targets_of(self, element_id: str) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.element == element_id)

    def iter_ids(self) -> Iterator[str]:
        for group in (self.actors, self.elements, self.metrics, self.targets):
            for item in group:
                yield item.id

    def _repr_html_(self) -> str:
        from regionplan.defaults import resolve

        html: str = resolve("plan_html")(self)
        return html


_T = TypeVar("_T", Element, Metric, Actor, Target)


def _find(items: tuple[_T, ...], id: str, what: str) -> _T:
    for item in items:
        if item.id == id:
            return item
    msg = f"no {what} with id {id!r}"
    raise KeyError(msg)
