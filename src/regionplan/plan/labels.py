"""Texts in one or more languages: the :class:`Label` every title and name of a plan is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

__all__ = ["DEFAULT_LANGUAGE", "Label"]

#: The language a plain text is in, in a plan file and in Python: Norwegian bokmål.
DEFAULT_LANGUAGE = "nb"


def _label_texts(texts: str | Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    if isinstance(texts, str):  # a plain text is nb, as in a plan file
        return ((DEFAULT_LANGUAGE, texts),)
    pairs = tuple(sorted(dict(texts).items()))
    if not all(isinstance(lang, str) and isinstance(text, str) for lang, text in pairs):
        raise TypeError(f"Label texts must be language -> text (str), got {dict(pairs)!r:.80}")
    return pairs


@attrs.frozen
class Label:
    """A text in one or more languages, e.g. ``Label({"nb": "Arbeidsplasser", "en": "Jobs"})``;
    ``Label("Arbeidsplasser")`` is nb, as a plain text in a plan file (:meth:`of` takes another)."""

    texts: tuple[tuple[str, str], ...] = attrs.field(converter=_label_texts)

    @classmethod
    def of(cls, text: str | Mapping[str, str] | Label | None, lang: str = DEFAULT_LANGUAGE) -> Label:
        if text is None:
            return cls(())
        if isinstance(text, Label):
            return text
        if isinstance(text, str):
            return cls({lang: text})
        return cls(text)

    def get(self, lang: str = DEFAULT_LANGUAGE, *, fallback: bool = True) -> str:
        """The text in ``lang``; else (with ``fallback``) nb, en or any language there is."""
        d = dict(self.texts)
        if lang in d:
            return d[lang]
        if not fallback:
            return ""
        for other in (DEFAULT_LANGUAGE, "en", *d):
            if other in d:
                return d[other]
        return ""

    def languages(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.texts)

    def as_dict(self) -> dict[str, str]:
        return dict(self.texts)

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __str__(self) -> str:
        return self.get()
