"""Safe YAML loading with duplicate-key rejection and source lines.

The fast path uses PyYAML's C loader (``CSafeLoader``) when present. Every
mapping gets its 1-based source line under ``__line__`` (the parser produces
marks anyway, so this costs one dict store per mapping). Columns for error
messages come from a second, node-level ``compose`` pass that runs only when a
file is invalid (:func:`locate`).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from dangjian_audit.diagnostics import Diagnostic

LINE_KEY = "__line__"
# far beyond any count (10**30 is 100 bits), far below what Python cannot print (about 14,000 bits)
MAX_INT_BITS = 256
HAS_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False)) and hasattr(yaml, "CSafeLoader")
_Base: Any = yaml.CSafeLoader if HAS_LIBYAML else yaml.SafeLoader
LOADER_NAME = "CSafeLoader (libyaml)" if HAS_LIBYAML else "SafeLoader (pure Python)"


class DuplicateKeyError(ConstructorError):
    """A key appears twice in one mapping."""


class ReservedKeyError(ConstructorError):
    """The evidence uses a key reserved for the loader."""


class EvidenceLoader(_Base):  # type: ignore[misc]
    """Safe loader: no object tags, no duplicate keys, lines on every mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark, "unhashable key", key_node.start_mark
                ) from None
            if key in mapping:
                raise DuplicateKeyError(None, None, str(key), key_node.start_mark)
            if key == LINE_KEY:
                raise ReservedKeyError(None, None, str(key), key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | dt.datetime | str:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[no-any-return]
        except ValueError:
            # An impossible date (2025-02-30) stays text; validation then reports it
            # at its position together with every other problem in the file.
            return str(node.value)


    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            value: int = super().construct_yaml_int(node)
        except ValueError:
            # Python refuses to convert more than 4300 digits; no evidence count has that many
            raise NumberTooLargeError(None, None, "integer too large", node.start_mark) from None
        if value.bit_length() > MAX_INT_BITS:
            # a hexadecimal or octal number converts without that limit, but cannot be printed back
            raise NumberTooLargeError(None, None, "integer too large", node.start_mark)
        return value


class NumberTooLargeError(ConstructorError):
    """An integer with more digits than Python converts."""


EvidenceLoader.add_constructor("tag:yaml.org,2002:timestamp", EvidenceLoader.construct_yaml_timestamp)
EvidenceLoader.add_constructor("tag:yaml.org,2002:int", EvidenceLoader.construct_yaml_int)


def read_text(path: Path, display: str, limit: int | None = None) -> str:
    """Read a UTF-8 regular file of at most ``limit`` bytes (default: 8 MB) or raise a diagnostic.

    The file is opened without blocking and checked before anything is read: a FIFO or a device
    named ``x.yaml`` must not hang a command, and a huge file is refused before it is parsed.
    """
    from dangjian_audit.errors import InputError
    from dangjian_audit.limits import DEFAULT_MAX_FILE_BYTES

    limit = DEFAULT_MAX_FILE_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError([Diagnostic(display, "file_not_found")]) from None
    except PermissionError:
        raise InputError([Diagnostic(display, "permission_denied")]) from None
    except IsADirectoryError:
        raise InputError([Diagnostic(display, "is_directory")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(display, "unreadable", {"reason": exc.strerror or str(exc)})]) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise InputError([Diagnostic(display, "is_directory")])
            if not stat.S_ISREG(st.st_mode):
                raise InputError([Diagnostic(display, "not_regular_file")])
            if st.st_size > limit:
                raise InputError([Diagnostic(display, "file_too_large", {"size": st.st_size, "limit": limit})])
            # what fstat measured plus one byte: a buffer of the limit's size for every file would cost more
            # than reading a small one; a file that grew since is read on, up to one byte past the limit
            raw = handle.read(st.st_size + 1)
            if len(raw) > st.st_size:
                raw += handle.read(limit + 1 - len(raw))
    except IsADirectoryError:
        raise InputError([Diagnostic(display, "is_directory")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(display, "unreadable", {"reason": exc.strerror or str(exc)})]) from None
    if len(raw) > limit:  # the file grew after it was measured
        raise InputError([Diagnostic(display, "file_too_large", {"size": len(raw), "limit": limit})])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Diagnostic(display, "not_utf8", {"offset": exc.start}, line, col)]) from None
    text = text.removeprefix("\ufeff")
    return text


def check_text(text: str, display: str) -> None:
    """Refuse, before parsing, a text with nothing but comments or with too many values to parse."""
    from dangjian_audit.errors import InputError

    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputError([Diagnostic(display, "empty_file")])
    from dangjian_audit.limits import MAX_YAML_VALUES

    values = text.count(":") + text.count(",") + text.count("\n")
    if values > MAX_YAML_VALUES:
        raise InputError([Diagnostic(display, "yaml_too_many_values", {"count": values, "limit": MAX_YAML_VALUES})])


def parse(text: str, display: str) -> Any:
    """Parse one YAML document safely, mapping every YAML problem to a diagnostic."""
    from dangjian_audit.errors import InputError

    check_text(text, display)
    if "*" in text:  # cheap pre-check: only a text with an asterisk can hold an alias
        alias = _first_alias(text)
        if alias is not None:
            raise InputError([Diagnostic(display, "yaml_alias", {"name": alias[0]}, alias[1], alias[2])])
    try:
        return yaml.load(text, Loader=EvidenceLoader)
    except DuplicateKeyError as exc:
        raise InputError([_marked(display, "duplicate_key", exc, key=exc.problem)]) from None
    except ReservedKeyError as exc:
        raise InputError([_marked(display, "reserved_key", exc, key=exc.problem)]) from None
    except NumberTooLargeError as exc:
        raise InputError([_marked(display, "number_too_large", exc)]) from None
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or ""
        detail = "; ".join(p for p in (exc.context, exc.problem) if p)
        code = "yaml_tag" if "could not determine a constructor" in problem else yaml_code(exc, text)
        raise InputError([_marked(display, code, exc, detail=detail)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Diagnostic(display, "yaml_syntax", {"detail": str(exc)})]) from None
    except RecursionError:
        raise InputError([Diagnostic(display, "yaml_too_deep")]) from None
    except (ValueError, OverflowError, TypeError) as exc:
        # a value PyYAML's constructors cannot build (the parser is a library: never a traceback)
        raise InputError([Diagnostic(display, "yaml_syntax", {"detail": f"{type(exc).__name__}: {exc}"})]) from None


# The parser's common problems (libyaml's and PyYAML's own wording), each with a message in the
# user's language; the parser's English stays only as the detail.
_YAML_PROBLEMS = (
    ("maximum nesting depth", "yaml_too_deep"),
    ("expected a single document", "yaml_multiple_documents"),
    ("found undefined alias", "yaml_alias_undefined"),
    ("unknown escape character", "yaml_escape"),
    ("mapping values are not allowed", "yaml_mapping_values"),
    ("could not find expected ':'", "yaml_expected_colon"),
    ("expected ',' or ']'", "yaml_flow_unclosed"),
    ("expected ',' or '}'", "yaml_flow_unclosed"),
    ("expected <block end>", "yaml_indentation"),
    ("did not find expected key", "yaml_indentation"),
    ("did not find expected '-' indicator", "yaml_indentation"),
    ("expected '<document start>'", "yaml_indentation"),
    ("expected <document start>", "yaml_indentation"),
    ("node content", "yaml_missing_value"),
)


def yaml_code(exc: yaml.MarkedYAMLError, text: str) -> str:
    """The message code for a YAML parser error."""
    problem, context = exc.problem or "", exc.context or ""
    if "quoted scalar" in context and "end of stream" in problem:
        return "yaml_unclosed_quote"
    if "tab character" in problem:
        return "yaml_tab"
    if "cannot start any token" in problem:
        mark = exc.problem_mark
        lines = text.split("\n")
        row = lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""
        char = row[mark.column] if mark is not None and 0 <= mark.column < len(row) else ""
        if char == "\t" or "\\t" in problem:
            return "yaml_tab"
        return "yaml_bad_character"
    for needle, code in _YAML_PROBLEMS:
        if needle in problem or needle in context:
            return code
    return "yaml_syntax"


def _first_alias(text: str) -> tuple[str, int, int] | None:
    """The first alias (``*name``) in a text. Aliases are refused: nested ones expand
    exponentially ("billion laughs"), and evidence written by hand has no need of them."""
    try:
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                return str(event.anchor), line, column
    except yaml.YAMLError:
        return None  # the full load reports the syntax error with its position
    return None


def _marked(display: str, code: str, exc: yaml.MarkedYAMLError, **args: Any) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Diagnostic(display, code, args)
    return Diagnostic(display, code, args, mark.line + 1, mark.column + 1)


@lru_cache(maxsize=2)
def _composed(text: str) -> yaml.Node | None:
    """The node tree of a text, composed once however many diagnostics need positions in it."""
    try:
        return yaml.compose(text, Loader=_Base)
    except yaml.YAMLError:
        return None


def locate(text: str, loc: tuple[Any, ...]) -> tuple[int | None, int | None, bool]:
    """Find ``line, column`` of a pydantic error location by composing nodes.

    Returns the deepest node reached and whether the full path was found (a
    ``missing`` key is reported at its parent mapping).
    """
    node = _composed(text)
    if node is None:
        return None, None, False
    found = True
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    # an unknown key is best shown at the key itself
                    child = value_node if part != loc[-1] else key_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
        if child is None:
            found = False
            break
        node = child
    if node is None:
        return None, None, False
    return node.start_mark.line + 1, node.start_mark.column + 1, found
