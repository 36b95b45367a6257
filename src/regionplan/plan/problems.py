"""Stable codes of plan problems.

Codes never change meaning; new problems get new codes. ``RP0xx`` are file and
syntax problems, ``RP1xx`` structure and references, ``RP2xx`` metrics, units and
targets, ``RP3xx`` the region, ``RP4xx`` plan-quality warnings (the questions a
plan's own "avklaringer" ask: what measures this goal, who is responsible, by when).
"""

from __future__ import annotations

__all__ = ["CATALOGUE"]

SYNTAX = "RP001"
NO_FILE = "RP002"
INCLUDE = "RP003"
TYPE = "RP004"
UNKNOWN_FIELD = "RP005"
MISSING_FIELD = "RP006"
DUPLICATE_KEY = "RP007"
BAD_VALUE = "RP008"
BAD_ID = "RP009"
BAD_PERIOD = "RP010"
NOT_A_FILE = "RP020"
FILE_TOO_LARGE = "RP021"
OUTSIDE_FOLDER = "RP022"
ALLOWED_OUTSIDE = "RP023"
ENCODING = "RP024"

DUPLICATE_ID = "RP101"
UNKNOWN_REFERENCE = "RP102"
CYCLE = "RP103"
UNKNOWN_SDG = "RP104"
WRONG_REFERENCE_KIND = "RP105"

UNKNOWN_UNIT = "RP201"
UNIT_MISMATCH = "RP202"
DEADLINE_BEFORE_BASELINE = "RP203"
NO_DIRECTION = "RP204"
EXPRESSION = "RP205"
EXPRESSION_UNITS = "RP206"
SOURCE = "RP207"
SOURCE_AND_DERIVED = "RP208"
NO_DATA_DEFINITION = "RP209"
BAD_TARGET = "RP210"
UNKNOWN_POLICY = "RP211"
DEADLINE_AT_BASELINE = "RP212"

BAD_CODE = "RP301"
CODE_NOT_VALID = "RP302"
CODE_GAP = "RP303"
CODE_LINEAGE = "RP304"
NO_MEMBERS = "RP305"

UNMEASURED_GOAL = "RP401"
NO_RESPONSIBLE = "RP402"
NO_DEADLINE = "RP403"
ORPHAN = "RP404"
UNUSED_METRIC = "RP405"
EMPTY_ACTION = "RP406"

#: code -> (short name, what it means)
CATALOGUE: dict[str, tuple[str, str]] = {
    SYNTAX: (
        "syntax",
        "the file is not valid YAML/JSON, or uses tags, aliases or several documents",
    ),
    NO_FILE: ("no-file", "a plan file or included file is missing or unreadable"),
    INCLUDE: ("include", "a file is included more than once"),
    TYPE: (
        "type",
        "a value has the wrong type (a list where a mapping belongs, text for a number)",
    ),
    UNKNOWN_FIELD: ("unknown-field", "a field name the schema does not know (often a typo)"),
    MISSING_FIELD: ("missing-field", "a required field is missing"),
    DUPLICATE_KEY: ("duplicate-key", "a key appears twice in one mapping"),
    BAD_VALUE: ("bad-value", "a value outside its allowed set or range"),
    BAD_ID: ("bad-id", "an id with characters ids may not have"),
    BAD_PERIOD: ("bad-period", "a period label that cannot be read"),
    NOT_A_FILE: (
        "not-a-file",
        "a plan file or include that is no regular file (a folder, device, FIFO or socket) "
        "or a loop of symbolic links",
    ),
    FILE_TOO_LARGE: (
        "file-too-large",
        "a plan file larger than the limit (REGIONPLAN_MAX_PLAN_FILE_MB, default 10 MB)",
    ),
    OUTSIDE_FOLDER: (
        "outside-folder",
        "an include or a source's file outside the plan's folder that neither allow_paths "
        "nor --allow-path allows",
    ),
    ALLOWED_OUTSIDE: (
        "allowed-outside",
        "an include or a source's file outside the plan's folder, read because allow_paths "
        "or --allow-path allows it (a warning)",
    ),
    ENCODING: ("encoding", "a plan file that is not UTF-8 text, or holds a NUL character"),
    DUPLICATE_ID: ("duplicate-id", "two things share an id"),
    UNKNOWN_REFERENCE: ("unknown-reference", "a reference to an id that does not exist"),
    CYCLE: ("cycle", "contributes-to links form a cycle"),
    UNKNOWN_SDG: ("unknown-sdg", "a UN SDG goal or target that does not exist"),
    WRONG_REFERENCE_KIND: ("wrong-kind", "a reference to an id of the wrong kind"),
    UNKNOWN_UNIT: ("unknown-unit", "a unit the unit registry does not know"),
    UNIT_MISMATCH: ("unit-mismatch", "a unit that does not fit the metric's dimension"),
    DEADLINE_BEFORE_BASELINE: (
        "deadline-before-baseline",
        "a target's deadline precedes its baseline",
    ),
    NO_DIRECTION: ("no-direction", "a metric without a direction"),
    EXPRESSION: ("expression", "a derived metric's expression cannot be read"),
    EXPRESSION_UNITS: ("expression-units", "a derived metric's units do not work out"),
    SOURCE: ("source", "an unknown data source or a query the source rejects"),
    SOURCE_AND_DERIVED: ("source-and-derived", "a metric with both a source and an expression"),
    NO_DATA_DEFINITION: ("no-data-definition", "a metric with neither a source nor an expression"),
    BAD_TARGET: ("bad-target", "a target whose fields do not make sense together"),
    UNKNOWN_POLICY: ("unknown-policy", "an unknown projection or status policy"),
    DEADLINE_AT_BASELINE: (
        "deadline-at-baseline",
        "a target's deadline is its baseline: no time is left to reach it",
    ),
    BAD_CODE: ("bad-code", "a municipality code that is not four digits"),
    CODE_NOT_VALID: ("code-not-valid", "a municipality code not valid when the plan says it is"),
    CODE_GAP: (
        "code-gap",
        "a member with no valid code for part of the plan period, or between two of its codes",
    ),
    CODE_LINEAGE: (
        "code-lineage",
        "a member's code is not one its earlier code became (often another municipality's code)",
    ),
    NO_MEMBERS: ("no-members", "a region with no municipalities"),
    UNMEASURED_GOAL: ("unmeasured-goal", "a goal that no target measures"),
    NO_RESPONSIBLE: ("no-responsible", "an action or project with no responsible actor"),
    NO_DEADLINE: ("no-deadline", "a target with no deadline (the plan period's end is used)"),
    ORPHAN: ("orphan", "an element that contributes to nothing"),
    UNUSED_METRIC: ("unused-metric", "a metric no target or expression uses"),
    EMPTY_ACTION: ("empty-action", "an action programme item with nothing under it"),
}
