"""The ``diff`` command: what a revision of a plan changed, by meaning, as text, Markdown or JSON.

Each side is a plan folder or file, or ``PATH@REV`` for a plan as a git revision holds it
(:mod:`regionplan.cli.gitplans`). The comparison is :func:`regionplan.plan.revisions.diff`; the
words a reader sees are here, in Norwegian bokmål and English.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from regionplan.cli.core import _extensions, _run, _State, cli
from regionplan.cli.gitplans import plan_path
from regionplan.cli.options import _allow
from regionplan.errors import PlanError
from regionplan.plan.model import ElementKind, Plan
from regionplan.plan.revisions import Change, ChangeKind, PlanDiff, Subject, diff

#: The exit code of ``--exit-code`` when the plans differ. Not git's 1: that is "the plan has
#: errors" here (:data:`regionplan.cli.core.EXIT_PLAN`), and a check in CI must tell the two apart.
EXIT_DIFFERENT = 5
#: The version of the JSON document ``regionplan diff --format json`` writes.
JSON_VERSION = 1

_WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "heading": "Endringer i planen",
        "none": "Ingen endringer.",
        "total": "{n} endringer",
        "total_one": "1 endring",
        "plan": "Planen",
        "region": "Regionen",
        "municipality": "Kommuner",
        "actor": "Aktører",
        "element": "Planens deler",
        "responsibility": "Ansvar",
        "metric": "Indikatorer",
        "target": "Måltall",
        "added": "lagt til",
        "removed": "fjernet",
        "moved": "flyttet",
        "changed": "endret",
        "yes": "ja",
        "no": "nei",
        "owner": "eier",
        "contributor": "bidragsyter",
        "old": "før",
        "new": "nå",
    },
    "en": {
        "heading": "Changes to the plan",
        "none": "No changes.",
        "total": "{n} changes",
        "total_one": "1 change",
        "plan": "Plan",
        "region": "Region",
        "municipality": "Municipalities",
        "actor": "Actors",
        "element": "Elements",
        "responsibility": "Responsibilities",
        "metric": "Metrics",
        "target": "Targets",
        "added": "added",
        "removed": "removed",
        "moved": "moved",
        "changed": "changed",
        "yes": "yes",
        "no": "no",
        "owner": "owner",
        "contributor": "contributor",
        "old": "before",
        "new": "now",
    },
}

#: The fields of the model as a reader calls them: (nb, en).
_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("id", "id"),
    "title": ("tittel", "title"),
    "name": ("navn", "name"),
    "description": ("beskrivelse", "description"),
    "notes": ("merknader", "notes"),
    "period_start": ("periodestart", "start of period"),
    "period_end": ("periodeslutt", "end of period"),
    "status": ("status", "status"),
    "version": ("versjon", "version"),
    "languages": ("språk", "languages"),
    "owner": ("eier", "owner"),
    "adopted": ("vedtatt", "adopted"),
    "source_document": ("kildedokument", "source document"),
    "allow_paths": ("tillatte mapper", "allowed folders"),
    "comparators": ("sammenligningsområder", "comparison areas"),
    "county": ("fylke", "county"),
    "codes": ("kommunenumre", "municipality codes"),
    "kind": ("type", "kind"),
    "municipality": ("kommune", "municipality"),
    "contributes_to": ("bidrar til", "contributes to"),
    "sdg": ("bærekraftsmål", "SDGs"),
    "aligned_with": ("i tråd med", "aligned with"),
    "timing": ("tidspunkt", "timing"),
    "number": ("nummer", "number"),
    "weight": ("vekt", "weight"),
    "role": ("rolle", "role"),
    "unit": ("enhet", "unit"),
    "direction": ("retning", "direction"),
    "aggregation": ("aggregering", "aggregation"),
    "sources": ("kilder", "sources"),
    "derived": ("utledet uttrykk", "derived expression"),
    "period": ("periode", "period"),
    "publication_lag_months": ("publiseringsforsinkelse (måneder)", "publication lag (months)"),
    "decimals": ("desimaler", "decimals"),
    "projection_min_points": ("minste antall punkter for framskriving", "fewest points for a projection"),
    "merge": ("sammenslåing av kilder", "merging of sources"),
    "element": ("del av planen", "element"),
    "metric": ("indikator", "metric"),
    "value": ("målverdi", "value"),
    "value_unit": ("enhet for målverdien", "unit of the value"),
    "change": ("endring", "change"),
    "relative": ("relativ", "relative"),
    "baseline": ("utgangsår", "baseline"),
    "deadline": ("frist", "deadline"),
    "shock": ("sjokkperiode", "shock period"),
    "other": ("sammenlignet med", "compared with"),
    "every_year": ("hvert år", "every year"),
    "tolerance": ("toleranse", "tolerance"),
    "area": ("område", "area"),
    "projection": ("framskriving", "projection"),
    "policy": ("vurderingsregel", "status policy"),
    "baseline_window": ("år før utgangsåret som prøves", "years before the baseline tried"),
}

_ROLES = ("owner", "contributor")
_TEXT_FIELDS = frozenset({"title", "name", "description", "notes", "county"})


def _word(lang: str, key: str) -> str:
    return _WORDS.get(lang, _WORDS["en"])[key]


def _field(field: str, lang: str) -> str:
    name, _, detail = field.partition(".")
    words = _FIELDS.get(name)
    shown = (words[0] if lang == "nb" else words[1]) if words else name
    return f"{shown} ({detail})" if detail else shown


def _value(value: Any, lang: str, *, text: bool = False) -> str:
    """A plain value as a reader reads it; a plan text in the quotes of the language."""
    if value is None or value == [] or value == {} or value == "":
        return "–"
    if isinstance(value, bool):
        return _word(lang, "yes" if value else "no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and lang == "nb":
        return str(value).replace(".", ",")  # 0,5 in Norwegian; every digit kept, as the plan wrote it
    if isinstance(value, list):
        return ", ".join(_item(v, lang, text=text) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v, lang, text=text)}" for k, v in value.items())
    if text and isinstance(value, str):
        return f"«{value}»" if lang == "nb" else f"“{value}”"
    return str(value)


def _item(value: Any, lang: str, *, text: bool) -> str:
    """One item of a list: a thing in it by its id or name (a source, an area), a code with its days."""
    if isinstance(value, dict):
        if "code" in value:
            days = f"{value.get('valid_from') or ''}–{value.get('valid_until') or ''}"
            return value["code"] if days == "–" else f"{value['code']} ({days})"
        if isinstance(value.get("id") or value.get("name"), str):
            return str(value.get("id") or value.get("name"))
    return _value(value, lang, text=text)


def _thing(change: Change, lang: str) -> str:
    """What an added or removed thing is: its kind and title, besides its id."""
    whole = change.new if change.kind is ChangeKind.ADDED else change.old
    if change.subject is Subject.RESPONSIBILITY:
        return _word(lang, whole) if whole in _ROLES else str(whole)
    if not isinstance(whole, dict):
        return ""
    title = whole.get("title") or whole.get("name") or {}
    shown = (title.get(lang) or next(iter(title.values()), "")) if isinstance(title, dict) else ""
    parts = []
    if change.subject is Subject.ELEMENT and whole.get("kind"):
        parts.append(ElementKind(whole["kind"]).label.get(lang))
    if shown:
        parts.append(_value(shown, lang, text=True))
    return " ".join(parts)


def describe(change: Change, lang: str, escape: Callable[[str], str] = str) -> str:
    """One change as a line: ``t-jobs: frist 2030 → 2032`` (``escape`` applied to plan text)."""
    if change.field is None:
        what = _thing(change, lang)
        return f"{escape(change.id)}: {escape(what)}" if what else escape(change.id)
    text = change.field.partition(".")[0] in _TEXT_FIELDS
    old, new = _value(change.old, lang, text=text), _value(change.new, lang, text=text)
    if change.field == "role":
        old, new = (_word(lang, v) if v in _ROLES else _value(v, lang) for v in (change.old, change.new))
    return f"{escape(change.id)}: {_field(change.field, lang)} {escape(old)} → {escape(new)}"


def _groups(result: PlanDiff) -> list[tuple[Subject, tuple[Change, ...]]]:
    return [(s, cs) for s in Subject if (cs := result.of(s))]


def _title(result: PlanDiff, lang: str) -> str:
    heading = _word(lang, "heading")
    if result.old_plan != result.new_plan:
        old = " ".join(x for x in (result.old_plan, result.old_version) if x)
        new = " ".join(x for x in (result.new_plan, result.new_version) if x)
        return f"{heading}: {old} → {new}"
    if result.old_version != result.new_version:
        versions = f"{result.old_version or '–'} → {result.new_version or '–'}"
        return f"{heading}: {result.new_plan} ({versions})"
    return " ".join(x for x in (f"{heading}: {result.new_plan}", result.new_version) if x)


def render_text(result: PlanDiff, lang: str) -> str:
    lines = [_title(result, lang)]
    if not result:
        return "\n".join([*lines, _word(lang, "none")])
    lines.append(_counts(result, lang))
    width = max(len(_word(lang, k.value)) for k in ChangeKind)
    for subject, changes in _groups(result):
        lines += ["", f"{_word(lang, subject.value)} ({len(changes)})"]
        lines += [f"  {_word(lang, c.kind.value):<{width}}  {describe(c, lang)}" for c in changes]
    return "\n".join(lines)


def render_markdown(result: PlanDiff, lang: str) -> str:
    from regionplan.report.renderers.markdown import md_escape  # here: the report stage is slow to import

    lines = [f"# {md_escape(_title(result, lang))}", ""]
    if not result:
        return "\n".join([*lines, _word(lang, "none")])
    lines.append(md_escape(_counts(result, lang)))
    for subject, changes in _groups(result):
        lines += ["", f"## {_word(lang, subject.value)} ({len(changes)})", ""]
        lines += [f"- **{_word(lang, c.kind.value)}** {describe(c, lang, md_escape)}" for c in changes]
    return "\n".join(lines)


def as_json(result: PlanDiff, old: str, new: str) -> dict[str, Any]:
    """The JSON document of ``--format json`` (its keys are described in the CLI reference)."""
    return {
        "regionplan_diff": JSON_VERSION,
        "old": {"path": old, "plan": result.old_plan, "version": result.old_version},
        "new": {"path": new, "plan": result.new_plan, "version": result.new_version},
        "counts": result.counts(),
        "changes": [c.as_dict() for c in result.changes],
    }


def _counts(result: PlanDiff, lang: str) -> str:
    counts = result.counts()
    parts = ", ".join(f"{counts[k.value]} {_word(lang, k.value)}" for k in ChangeKind if counts[k.value])
    total = _word(lang, "total_one") if len(result) == 1 else _word(lang, "total").format(n=len(result))
    return f"{total}: {parts}"


def _load(spec: str, side: str) -> Plan:
    from regionplan.plan.files import load_plan

    with plan_path(spec) as path:
        try:
            return load_plan(path, extensions=_extensions(), allow_paths=_State.allow_paths)
        except PlanError:
            click.echo(f"{side} plan {spec}:", err=True)
            raise


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True, help="Language of the words."
)
@click.option(
    "--exit-code",
    is_flag=True,
    help=f"Exit with {EXIT_DIFFERENT} when the plans differ (1 stays: a plan has errors).",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output)."
)
@_allow
def diff_command(old: str, new: str, fmt: str, lang: str, exit_code: bool, output: Path | None) -> None:
    """Show what changed from the plan OLD to the plan NEW: added, removed, moved and changed parts.

    OLD and NEW are plan folders or files, or PATH@REV for a plan as a git revision holds it
    (e.g. examples/gardermoregionen@HEAD~1). Which file holds what, key order, quoting and
    comments are no change.
    """

    def body() -> None:
        result = diff(_load(old, "old"), _load(new, "new"))
        if fmt == "json":
            text = json.dumps(as_json(result, old, new), indent=2, ensure_ascii=False)
        else:
            text = (render_markdown if fmt == "markdown" else render_text)(result, lang)
        if output is None:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + "\n", encoding="utf-8")
            click.echo(f"wrote {output}", err=True)
        if exit_code and result:
            sys.exit(EXIT_DIFFERENT)

    _run(body)
