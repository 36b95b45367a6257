"""SSB's refusals (HTTP 400/404 and others) in words that name the table and what was asked."""

from __future__ import annotations

from regionplan_ssb.calls import Call
from regionplan_ssb.client import SsbHttpError

__all__ = ["explain_refusal"]


def explain_refusal(exc: SsbHttpError, table: str, call: Call | None) -> str:
    """SSB's error in words that name the table and the variables asked."""
    asked = ""
    if call is not None:
        parts = []
        for var, codes in call.selection.codes:
            if var in call.selection.everything:
                parts.append(f"{var}=*")
            else:
                more = f" (+{len(codes) - 6})" if len(codes) > 6 else ""
                parts.append(f"{var}={','.join(codes[:6])}{more}")
        asked = "; asked: " + ", ".join(parts)
    title = exc.title or f"HTTP {exc.status}"
    if exc.status == 404:
        return (
            f"SSB table {table} was not found (HTTP 404): the table id or a code list is "
            f"wrong, or the URL is too long ({len(exc.url)} characters){asked}"
        )
    hints = {
        "Non-existent variable": "a variable of the query is not in the table",
        "Non-existent value": "a value code of the query is not in the table",
        "Missing selection for mandantory variable": (
            "a variable that cannot be left out is missing; add it under 'select'"
        ),
        "Too many cells selected": "the selection is larger than SSB allows",
        "Non-existent codelist": "the region code list is not offered for this table",
        "Illegal selection expression": "a value expression is malformed",
    }
    hint = next((h for t, h in hints.items() if title.startswith(t)), "")
    return f"SSB refused table {table}: {title} (HTTP {exc.status})" + (f" - {hint}" if hint else "") + asked
