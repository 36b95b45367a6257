"""Sentences on a target's data: how old its latest figures are, and where they came from.

Written from the typed records on a :class:`~regionplan.evaluation.results.TargetResult`
(:attr:`~regionplan.evaluation.results.TargetResult.origin`, ``missing_reasons``, the age
fields), in Norwegian (nb) or English (en), never with a source's own (English) message:

* "SSBs API for tabell 11618 svarte ikke (frakoblet); brukte lokal fil data/jobs.csv."
* "Siste tall er fra 2022K4, 46 måneder gamle; nyere tall burde vært publisert innen
  1. januar 2025."
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from regionplan.data.attempts import (
    FAILURE_WORDS,
    OTHER_SOURCE_WORDS,
    SOURCE_WORDS,
    SourceAttempt,
    SourceFailure,
)

if TYPE_CHECKING:
    from regionplan.evaluation.results import TargetResult

__all__ = [
    "describe_failure",
    "describe_source",
    "explain_age",
    "explain_origin",
    "format_date",
    "missing_text",
]

_WORDS = {
    "en": {
        "table": " for table {table}",
        "the_source": "the source",
        "used": "used {source}",
        "used_for": "used {source} for {areas}",
        "repaired": "A damaged stored copy from {source} was fetched again.",
        "combined": "The figures are combined: {parts}.",
        "part": "{periods} from {source}",
        "more": "{n} more",
        "stale": "The latest figures are from {period}, {age} old; newer figures should have been "
        "published by {date}.",
        "fresh": "The latest figures are from {period}, {age} old; the next are due by {date}.",
        "month": "{n} month",
        "months": "{n} months",
        "under_a_month": "less than a month",
    },
    "nb": {
        "table": " for tabell {table}",
        "the_source": "kilden",
        "used": "brukte {source}",
        "used_for": "brukte {source} for {areas}",
        "repaired": "En skadet lagret kopi fra {source} ble hentet på nytt.",
        "combined": "Tallene er satt sammen: {parts}.",
        "part": "{periods} fra {source}",
        "more": "{n} til",
        "stale": "Siste tall er fra {period}, {age} gamle; nyere tall burde vært publisert innen {date}.",
        "fresh": "Siste tall er fra {period}, {age} gamle; de neste ventes innen {date}.",
        "month": "{n} måned",
        "months": "{n} måneder",
        "under_a_month": "under en måned",
    },
}

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "nb": "januar februar mars april mai juni juli august september oktober november desember",
}

#: Sources that read a file: they are named by the file, not by a table.
_FILE_SOURCES = frozenset({"csv", "excel", "jsonstat"})


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


def format_date(day: dt.date, lang: str = "en") -> str:
    """A date as people write it: 1 January 2025 (en), 1. januar 2025 (nb)."""
    month = _MONTHS.get(lang, _MONTHS["en"]).split()[day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "nb" else f"{day.day} {month} {day.year}"


def describe_source(attempt: SourceAttempt | None, lang: str = "en") -> str:
    """A source in words: "SSBs API for tabell 11618", "lokal fil data/jobs.csv"."""
    if attempt is None:
        return _words(lang)["the_source"]
    label = SOURCE_WORDS.get(attempt.source, OTHER_SOURCE_WORDS)
    text = label.get(lang).format(location=attempt.location or attempt.table, name=attempt.source)
    if attempt.table and attempt.source not in _FILE_SOURCES:
        text += _words(lang)["table"].format(table=attempt.table)
    return text


def describe_failure(failure: SourceFailure, lang: str = "en") -> str:
    """What befell a source, in words chosen by the failure's kind (never its English detail)."""
    status = "" if failure.status is None else str(failure.status)
    text = FAILURE_WORDS[failure.kind].get(lang)
    if "(HTTP {status})" in text and not status:
        text = text.replace(" (HTTP {status})", "")
    location = failure.attempt.location if failure.attempt else ""
    text = text.format(source=describe_source(failure.attempt, lang), status=status, location=location)
    if failure.members:  # the municipalities left without values, by name and code
        text += ": " + ", ".join(failure.members)
    return text


def _clauses(failures: Iterable[SourceFailure], lang: str) -> list[str]:
    """One clause per root cause, each said once."""
    out = [describe_failure(r, lang) for f in failures for r in f.root_causes()]
    return list(dict.fromkeys(out))


def missing_text(result: TargetResult, lang: str = "en") -> str:
    """Why data is missing, in ``lang``: the records' words, or the plain reasons when there are no records."""
    if result.missing_reasons:
        return "; ".join(_clauses(result.missing_reasons, lang))
    return "; ".join(result.missing)


def explain_origin(result: TargetResult, lang: str = "en") -> list[str]:
    """A sentence per metric whose data came from a later source after earlier ones failed, one
    per metric whose sources were merged by period (which gave which periods), and one per damaged
    stored copy fetched again; none when the first source delivered alone."""
    origin = result.origin
    if origin is None:
        return []
    words = _words(lang)
    sentences: list[str] = []
    combined: dict[str, list[SourceAttempt]] = {}
    for attempt in origin.delivered:
        combined.setdefault(attempt.metric, []).append(attempt)
    for attempt in origin.delivered:
        failed = [f for f in origin.failed if f.attempt is not None and f.attempt.metric == attempt.metric]
        parts = combined[attempt.metric]
        if len(parts) > 1 and any(a.periods for a in parts):  # merged by period: said once
            if attempt is parts[0]:
                sentences += _combined(parts, failed, lang)
            continue
        if not failed:
            continue
        # A partial delivery and the sources completing it: which municipalities each gave.
        key = "used_for" if attempt.areas else "used"
        used = words[key].format(source=describe_source(attempt, lang), areas=", ".join(attempt.areas))
        sentences.append(_capitalise("; ".join([*_clauses(failed, lang), used])) + ".")
    for failure in origin.recovered:
        sentences.append(words["repaired"].format(source=describe_source(failure.attempt, lang)))
    return list(dict.fromkeys(sentences))


def _combined(parts: list[SourceAttempt], failed: list[SourceFailure], lang: str) -> list[str]:
    """The sources failed (if any) and which periods each source used gave."""
    words = _words(lang)
    out = [_capitalise("; ".join(_clauses(failed, lang))) + "."] if failed else []
    said = []
    for a in parts:
        text = words["part"].format(periods=_periods(a.periods, lang), source=describe_source(a, lang))
        said.append(text + (f" ({', '.join(a.areas)})" if a.areas else ""))
    out.append(words["combined"].format(parts="; ".join(said)))
    return out


def _periods(labels: tuple[str, ...], lang: str) -> str:
    """Periods in few words: runs of years as 2005–2023, other labels listed (at most six)."""
    if labels and all(p.isdigit() for p in labels):
        years = sorted(int(p) for p in labels)
        runs: list[list[int]] = []
        for y in years:
            if runs and y == runs[-1][-1] + 1:
                runs[-1].append(y)
            else:
                runs.append([y])
        return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    shown = [_period_text(p, lang) for p in labels[:6]]
    if len(labels) > 6:
        shown.append(_words(lang)["more"].format(n=len(labels) - 6))
    return ", ".join(shown)


def explain_age(result: TargetResult, lang: str = "en") -> str:
    """How old the latest figures are and when newer ones are due; empty without a latest period."""
    if result.latest is None or result.data_age_months is None or result.next_expected is None:
        return ""
    words = _words(lang)
    n = result.data_age_months
    age = words["under_a_month"] if n < 1 else words["month" if n == 1 else "months"].format(n=n)
    return words["stale" if result.stale else "fresh"].format(
        period=_period_text(result.latest.period, lang), age=age, date=format_date(result.next_expected, lang)
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _period_text(label: str, lang: str) -> str:
    """A period label as SSB writes it in Norwegian: quarters as 2022K4."""
    if lang == "nb" and len(label) == 6 and label[4] == "Q":
        return f"{label[:4]}K{label[5]}"
    if len(label) == 10 and label[4] == "-" == label[7] and label.replace("-", "").isdigit():
        return label[:4]  # a yearly count on one day ("2026-01-01") by its year
    return label
