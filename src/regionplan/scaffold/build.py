"""New parts of a plan file, written in the layout of the template's own."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from regionplan.scaffold.comments import delete, put
from regionplan.scaffold.counties import county_label
from regionplan.scaffold.files import is_flow
from regionplan.scaffold.members import Member, count_words, joined
from regionplan.scaffold.text import refold

__all__ = ["actor", "filled", "label", "list_like", "region_parts", "replace_field", "with_actor"]

_PLACEHOLDER = re.compile(r"\{(region|members|count)\}")
#: label keys read as a language for words and counts
LANGS = {"nb": "nb", "nn": "nb", "en": "en"}


def _map(pairs: Sequence[tuple[str, Any]], flow: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap(pairs)
    if flow:
        out.fa.set_flow_style()
    return out


def label(texts: Mapping[str, str], like: Any = None) -> Any:
    """A label in the style of ``like`` (a flow or block mapping; a plain text if ``like`` is one)."""
    if isinstance(like, str) and len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    return _map(list(texts.items()), flow=is_flow(like) if like is not None else True)


def words(langs: Sequence[str], name: str, members: Sequence[Member]) -> dict[str, dict[str, str]]:
    """What the placeholders of a template's texts stand for, in each of ``langs``."""
    return {
        lang: {
            "region": name,
            "members": joined([m.short_name for m in members], LANGS.get(lang, "en")),
            "count": count_words(len(members), LANGS.get(lang, "en")),
        }
        for lang in langs
    }


def filled(value: Any, said: Mapping[str, Mapping[str, str]], lang: str) -> Any:
    """A copy of a template's replacement ``value`` with its placeholders filled in."""
    from ruamel.yaml.scalarstring import ScalarString

    if isinstance(value, str):
        text = _PLACEHOLDER.sub(lambda m: said.get(lang, said[next(iter(said))])[m[1]], str(value))
        return refold(value, text) if isinstance(value, ScalarString) else text
    if isinstance(value, Mapping):
        out: Any = copy.deepcopy(value)
        for key in list(out):
            out[key] = filled(value[key], said, key if key in said else lang)
        return out
    if isinstance(value, list):
        out_list = copy.deepcopy(value)
        for i, item in enumerate(value):
            out_list[i] = filled(item, said, lang)
        return out_list
    return copy.deepcopy(value)


def _codes(m: Member) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    out = CommentedSeq()
    for code, since, until in m.codes:
        entry: list[tuple[str, Any]] = [("code", DoubleQuotedScalarString(code))]
        entry += [("from", since)] if since else []
        entry += [("until", until)] if until else []
        out.append(_map(entry, flow=True))
    return out


def region_parts(
    members: Sequence[Member], langs: Sequence[str], old_region: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``county``, ``description`` and ``municipalities`` of the new region."""
    from ruamel.yaml.comments import CommentedSeq

    county = {lang: county_label(members, LANGS.get(lang, "en")) for lang in langs}
    n = len(members)
    description = {}
    for lang in langs:
        names = joined([m.short_name for m in members], LANGS.get(lang, "en"))
        if LANGS.get(lang) == "nb":
            description[lang] = (
                f"Kommunen {names}." if n == 1 else f"De {count_words(n, 'nb')} kommunene {names}."
            )
        else:
            description[lang] = (
                f"The municipality of {names}."
                if n == 1
                else f"The {count_words(n, 'en')} municipalities {names}."
            )
    old_members = old_region.get("municipalities") or [{}]
    name_like = old_members[0].get("name") if isinstance(old_members[0], Mapping) else None
    seq = CommentedSeq(
        _map([("id", m.id), ("name", label(dict.fromkeys(langs, m.name), name_like)), ("codes", _codes(m))])
        for m in members
    )
    return {
        "county": label(county, old_region.get("county") if "county" in old_region else {}),
        "description": label(
            description, old_region.get("description") if "description" in old_region else {}
        ),
        "municipalities": seq,
    }


def actor(like: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    """A new actor with the keys, in the order and style, of the template's ``like``."""
    pairs: list[tuple[str, Any]] = []
    for key, old in like.items():
        if key == "template":
            continue
        if key in values:
            value = values[key]
            pairs.append((key, label(value, old) if isinstance(value, dict) else value))
        else:
            pairs.append((key, copy.deepcopy(old)))
    pairs += [(k, v) for k, v in values.items() if k not in like]
    return _map(pairs)


def list_like(old: Any, items: list[Any]) -> Any:
    """A new list of ``items`` in the style (flow or block) of ``old``."""
    from ruamel.yaml.comments import CommentedSeq

    new = CommentedSeq(items)
    if is_flow(old):
        new.fa.set_flow_style()
    return new


def with_actor(entry: Any, actor_id: str) -> Any:
    """A responsibility ``entry`` (an id, or a mapping with a role) naming ``actor_id`` instead."""
    if isinstance(entry, Mapping):
        new: Any = copy.copy(entry)  # keeps the role and the layout
        new["actor"] = actor_id
        return new
    return actor_id


def replace_field(
    node: Any, path: list[str], value: Any, said: Mapping[str, Mapping[str, str]], lang: str
) -> None:
    """Set the field ``path`` of ``node`` to ``value`` (placeholders filled); None removes it."""
    head, rest = path[0], path[1:]
    targets: list[Any] = node if isinstance(node, list) else [node]
    for target in targets:
        if not isinstance(target, Mapping):
            continue
        if rest:
            if head in target:
                replace_field(target[head], rest, value, said, lang)
        elif value is None:
            if head in target:
                delete(target, head)
        elif head in target:
            put(target, head, filled(value, said, lang))
        else:
            new: Any = target  # a ruamel mapping: a new field goes last
            new.insert(len(target), head, filled(value, said, lang))
