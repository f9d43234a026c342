"""Evidence loading with libyaml alone, without PyYAML's Python-side machinery.

:func:`dangjian_audit.yamlio.parse` lets libyaml (``CSafeLoader``) parse the text in C, then runs
PyYAML's composer, resolver and constructor, most of them in Python: three quarters of its time.
:func:`load` reads libyaml's event stream (the same C parser, through PyYAML's ``CParser``) and
builds the dicts, lists and scalars directly, with ``__line__`` on every mapping exactly as
:class:`dangjian_audit.yamlio.EvidenceLoader` records it (the 1-based line of the mapping's
first event). It returns exactly what :func:`yamlio.parse` returns, or ``None`` for any text it
does not handle; :func:`parse` then hands the text to :func:`yamlio.parse`, so every diagnostic is
the libyaml loader's own.

Plain scalars are resolved with PyYAML's own YAML 1.1 tables (``EvidenceLoader``'s implicit
resolvers, first character then regular expressions, as ``Resolver.resolve`` does) and built by
``EvidenceLoader``'s own constructors (an impossible date stays text, an integer too large is
refused). A plain scalar whose first character no resolver starts with is text at once (the
Chinese names and titles that fill evidence); the other short ones are kept in a bounded
table, since key names, flags, dates and small counts repeat in every record of every file.

``None`` (the libyaml path) for: a parser error of any kind, an alias, an anchor, a tag, a
directive, a second document, a top level that is not a mapping, a key that is not a scalar, a
duplicate key (equal as Python values, so ``1`` and ``true`` too), the reserved ``__line__`` key,
a merge key (``<<``) or ``=``, nesting deeper than any evidence file needs, and any scalar the
evidence loader's constructors refuse.
"""

from __future__ import annotations

from typing import Any

import yaml

from dangjian_audit import yamlio
from dangjian_audit.yamlio import LINE_KEY, EvidenceLoader

# libyaml's parser alone: its events, without PyYAML's Python-side composition
CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
AVAILABLE = CParser is not None and yamlio.HAS_LIBYAML
# far deeper than evidence goes; deeper texts take the libyaml path, which reports its own limit
MAX_DEPTH = 64
# resolved plain scalars kept between files (each entry a short text and an immutable value)
CACHE_SIZE = 20_000
# a long text (a title that starts with a year) is resolved each time: the regular expressions stop early
MAX_CACHED_LENGTH = 64

_RESOLVERS: dict[Any, list[tuple[str, Any]]] = EvidenceLoader.yaml_implicit_resolvers
_WILDCARD = list(_RESOLVERS.get(None, ()))
# the first characters some implicit resolver starts with; '' is the empty scalar (null)
_FIRST = frozenset(key for key in _RESOLVERS if key is not None)
# the types EvidenceLoader builds from a plain scalar; any other tag (merge, value) takes the libyaml path
_BUILT = ("null", "bool", "int", "float", "timestamp")
_CONSTRUCTORS = {f"tag:yaml.org,2002:{name}": EvidenceLoader.yaml_constructors[f"tag:yaml.org,2002:{name}"]
                 for name in _BUILT}
_SCALAR, _MAPPING, _MAPPING_END = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_RESOLVED: dict[str, Any] = {}
_MISSING: Any = object()
_LOADER: list[Any] = []


def loader_name() -> str:
    """This loader as ``--version`` names it."""
    if AVAILABLE:
        return f"libyaml event builder, checked against {yamlio.LOADER_NAME}"
    return yamlio.LOADER_NAME


class _Refused(Exception):
    """The text must take the libyaml path."""


def parse(text: str, display: str, *, lines: bool = True) -> Any:
    """Parse one evidence YAML document: the same result as :func:`yamlio.parse`, faster."""
    yamlio.check_text(text, display)
    data = load(text, lines=lines) if AVAILABLE else None
    if data is None:
        return yamlio.parse(text, display)
    return data


def load(text: str, *, lines: bool = True) -> dict[Any, Any] | None:
    """The document built from libyaml's events, or ``None`` when it must take the libyaml path.

    With ``lines=False`` no ``__line__`` key is added (for callers that show no line).
    """
    try:
        parser = CParser(text)
    except ValueError:  # a text libyaml cannot be given (a lone surrogate): the libyaml path reports it
        return None
    get = parser.get_event
    # anchors and tags need these characters: without them, no event has to be checked for one
    careful = "&" in text or "!" in text
    try:
        get()  # the stream's start
        event = get()
        if type(event) is not yaml.DocumentStartEvent or event.version is not None or event.tags is not None:
            return None  # no document, or directives
        event = get()
        if type(event) is not _MAPPING:
            return None
        root = _mapping(get, event, lines, careful, 1)
        if type(get()) is not yaml.DocumentEndEvent or type(get()) is not yaml.StreamEndEvent:
            return None  # a second document
        return root
    except (_Refused, yaml.YAMLError):
        return None
    finally:
        parser.dispose()


def _plain(value: str) -> Any:
    """A plain scalar whose first character some resolver starts with, not yet in the table: its value."""
    built = _resolve(value)
    if len(value) <= MAX_CACHED_LENGTH:
        if len(_RESOLVED) >= CACHE_SIZE:
            _RESOLVED.clear()
        _RESOLVED[value] = built
    return built


def _resolve(value: str) -> Any:
    """A plain scalar's value, as ``EvidenceLoader`` resolves (``Resolver.resolve``) and constructs it."""
    resolvers = _RESOLVERS.get(value[0] if value else "", []) + _WILDCARD
    tag = next((tag for tag, regexp in resolvers if regexp.match(value)), None)
    if tag is None:
        return value
    constructor = _CONSTRUCTORS.get(tag)
    if constructor is None:
        raise _Refused  # a merge key or the value indicator (=): the libyaml path handles or reports it
    if not _LOADER:
        _LOADER.append(EvidenceLoader(""))
    try:
        return constructor(_LOADER[0], yaml.ScalarNode(tag, value))
    except Exception:  # noqa: BLE001 - refused (an integer too large) or unbuildable: the libyaml path reports it
        raise _Refused from None


# The two builders below read one collection's events each; a plain scalar is resolved inline (the
# same three lines in three places: a function call per scalar would cost a tenth of the load).

def _mapping(get: Any, start: Any, lines: bool, careful: bool, depth: int) -> dict[Any, Any]:
    if depth > MAX_DEPTH or (careful and (start.anchor is not None or start.tag is not None)):
        raise _Refused
    first, scalar, line_key, resolved, missing = _FIRST, _SCALAR, LINE_KEY, _RESOLVED, _MISSING
    mapping: dict[Any, Any] = {}
    while True:
        event = get()
        kind = type(event)
        if kind is scalar:
            if careful and (event.anchor is not None or event.tag is not None):
                raise _Refused
            key = event.value
            if (not key or key[0] in first) and event.implicit[0]:
                built = resolved.get(key, missing)
                key = built if built is not missing else _plain(key)
            if key in mapping or key == line_key:
                raise _Refused  # a duplicate or the reserved key: the libyaml path reports it
        elif kind is _MAPPING_END:
            if lines:
                mapping[line_key] = start.start_mark.line + 1
            return mapping
        else:
            raise _Refused  # a complex key or an alias
        event = get()
        kind = type(event)
        if kind is scalar:
            if careful and (event.anchor is not None or event.tag is not None):
                raise _Refused
            value = event.value
            if (not value or value[0] in first) and event.implicit[0]:
                built = resolved.get(value, missing)
                value = built if built is not missing else _plain(value)
            mapping[key] = value
        elif kind is _MAPPING:
            mapping[key] = _mapping(get, event, lines, careful, depth + 1)
        elif kind is _SEQUENCE:
            mapping[key] = _sequence(get, event, lines, careful, depth + 1)
        else:
            raise _Refused  # an alias


def _sequence(get: Any, start: Any, lines: bool, careful: bool, depth: int) -> list[Any]:
    if depth > MAX_DEPTH or (careful and (start.anchor is not None or start.tag is not None)):
        raise _Refused
    first, scalar, resolved, missing = _FIRST, _SCALAR, _RESOLVED, _MISSING
    sequence: list[Any] = []
    append = sequence.append
    while True:
        event = get()
        kind = type(event)
        if kind is scalar:
            if careful and (event.anchor is not None or event.tag is not None):
                raise _Refused
            value = event.value
            if (not value or value[0] in first) and event.implicit[0]:
                built = resolved.get(value, missing)
                value = built if built is not missing else _plain(value)
            append(value)
        elif kind is _MAPPING:
            append(_mapping(get, event, lines, careful, depth + 1))
        elif kind is _SEQUENCE_END:
            return sequence
        elif kind is _SEQUENCE:
            append(_sequence(get, event, lines, careful, depth + 1))
        else:
            raise _Refused  # an alias
