"""Markdown and HTML gap reports rendered from Jinja templates.

One Environment per process with ``StrictUndefined``; HTML templates are
autoescaped, Markdown gets its own cell filter. Geometry for the radar chart is
prepared here so templates only loop and format.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import MethodType
from typing import Any

import jinja2

from dangjian_audit.formatting import num, points
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import InvalidFile, SchoolReport


def _one_line(value: Any) -> str:
    return str(value).replace("\r", " ").replace("\n", " ")


def _html_text(value: Any) -> str:
    """One line of text with ``&``, ``<`` and ``>`` as entities: inside raw HTML (``<summary>``), GitHub decodes
    the entities but never lets the text open a tag or a comment that hides the rest of the page."""
    return _one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# every character _md_cell changes
_MD_SPECIAL = re.compile(r"[\\|\[\]\r\n&<>]")


def _md_cell(value: Any) -> str:
    """Evidence text for Markdown: a table cell, heading or list item.

    Backslashes and pipes are escaped (a ``|`` would split a table cell), line breaks become spaces,
    and ``&``, ``<``, ``>`` become entities so the text cannot inject HTML (``<img onerror>``, ``<!--``,
    ``</details>``) into a job summary or PR comment, nor open an autolink (``<javascript:...>``).
    ``[`` and ``]`` are escaped so that evidence text never forms a link, an image, a reference or a
    footnote (``[x](javascript:...)`` renders as the plain text it is); every one of those needs a
    ``[``, so parentheses are left alone and stay readable.
    """
    text = str(value)
    if _MD_SPECIAL.search(text) is None:
        return text  # most evidence text has nothing to escape
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
    return _html_text(text)


def _md_code(value: Any, cell: bool = False) -> str:
    """A Markdown code span holding ``value`` literally, whatever backticks it contains.

    Raw HTML is not interpreted inside a code span, so only the fence has to be longer than any
    run of backticks in the text (CommonMark); a space pads text that starts or ends with one.
    In a table ``cell`` a pipe still splits the cell, so it is escaped (GitHub drops the backslash).
    """
    text = _one_line(value)
    if cell:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1) if "`" in text else "`"
    pad = " " if text[:1] == "`" or text[-1:] == "`" or (text[:1] == text[-1:] == " " and text.strip()) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class _Context(jinja2.runtime.Context):
    """Jinja's template context, calling the message lookups (``ui(...)``, ``msgs.fmt(...)``) directly.

    A gap report calls ``ui`` about 340 times per school and format; Jinja's generic :meth:`call` first
    looks the callable over for ``pass_context``-style markers, which took a quarter of the rendering.
    The message lookups have none, so for them the call is what the generic one ends up doing.
    """

    # Jinja's own parameter names: a template may pass keyword arguments named "self" or "obj"
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) is MethodType and __obj.__func__ in _MESSAGE_LOOKUPS:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as Jinja does
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_MESSAGE_LOOKUPS = frozenset({Messages.ui, Messages.fmt})


class _TemplateCache(jinja2.BytecodeCache):
    """Compiled templates in the user's cache folder (:mod:`dangjian_audit.cachedir`).

    Compiling the templates of one report costs more than rendering it (about 40 ms for the HTML
    gap report): a batch did it in every worker, ``check --format html`` on every run. Jinja checks
    each entry against its template's source; the entry's name also holds what else the generated
    code depends on (this module's environment settings, the Jinja and Python versions). An entry
    that cannot be read or written only means compiling, as without the cache.
    """

    def __init__(self, folder: Path, salt: bytes) -> None:
        self.folder = folder
        self.salt = salt

    def _path(self, bucket: jinja2.bccache.Bucket) -> tuple[Path, str]:
        prefix = f"template-{bucket.key[:16]}-"
        return self.folder / f"{prefix}{hashlib.sha256(self.salt + bucket.key.encode()).hexdigest()}.pickle", prefix

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from dangjian_audit.cachedir import read_entry

        data = read_entry(self._path(bucket)[0])
        if isinstance(data, bytes):
            bucket.bytecode_from_string(data)  # an entry of another source or build is ignored by Jinja

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from dangjian_audit.cachedir import write_entry

        path, prefix = self._path(bucket)
        write_entry(path, bucket.bytecode_to_string(), prefix)


def _template_cache() -> _TemplateCache | None:
    from dangjian_audit._version import __version__
    from dangjian_audit.cachedir import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    # the generated code depends on the environment's settings below (this file) besides the template
    salt = f"{__version__}\0{jinja2.__version__}\0{sys.version}\0".encode() + Path(__file__).read_bytes()
    return _TemplateCache(folder, salt)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dangjian_audit", "reporters/templates"),
        bytecode_cache=_template_cache(),
        auto_reload=False,  # package files: no stat of each template (and include) at every render
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.context_class = _Context
    env.filters["md"] = _md_cell
    env.filters["mdcode"] = _md_code
    env.filters["mdhtml"] = _html_text
    env.filters["num"] = num
    env.filters["points"] = points
    return env


def radar(report: SchoolReport, size: int = 260) -> dict[str, Any]:
    """Polygon points of a five-axis radar chart (percent of each dimension)."""
    centre = size / 2
    radius = size / 2 - 40
    n = len(report.dimensions)
    axes, points = [], []
    for i, d in enumerate(report.dimensions):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = math.cos(angle), math.sin(angle)
        axes.append({"x": f"{centre + radius * x:.1f}", "y": f"{centre + radius * y:.1f}",
                     "lx": f"{centre + (radius + 18) * x:.1f}", "ly": f"{centre + (radius + 18) * y:.1f}",
                     "label": d.id, "name": d.name, "percent": f"{d.percent:.0f}"})
        share = max(0.0, min(1.0, float(d.percent) / 100))
        points.append(f"{centre + radius * share * x:.1f},{centre + radius * share * y:.1f}")
    return {"size": size, "centre": f"{centre:.1f}", "axes": axes, "polygon": " ".join(points),
            "rings": _rings(n, size)}


@cache
def _rings(n: int, size: int) -> tuple[str, ...]:
    """The chart's four grid polygons: the same for every school."""
    centre = size / 2
    radius = size / 2 - 40
    rings = []
    for level in (0.25, 0.5, 0.75, 1.0):
        ring = []
        for i in range(n):
            angle = -math.pi / 2 + 2 * math.pi * i / n
            ring.append(f"{centre + radius * level * math.cos(angle):.1f},"
                        f"{centre + radius * level * math.sin(angle):.1f}")
        rings.append(" ".join(ring))
    return tuple(rings)


def _view(report: SchoolReport, msgs: Messages, chart: bool = True) -> dict[str, Any]:
    """What a report template reads about one school; ``chart``: with the radar chart's geometry (HTML)."""
    from dangjian_audit.reporters._yoy_view import baseline_view, waivers_view

    by_id = {i.id: i for i in report.indicators}
    warned = set(report.warnings)
    return {"r": report, "gaps": [by_id[g] for g in report.gaps], "radar": radar(report) if chart else None,
            # the indicators with a warning, in catalog order
            "warned": [i for i in report.indicators if i.id in warned],
            "baseline": baseline_view(report, msgs), "waivers": waivers_view(report, msgs)}


def render_markdown(reports: list[SchoolReport], msgs: Messages, invalid: Sequence[InvalidFile] = ()) -> str:
    """The gap reports; files that could not be scored get their own section with every diagnostic."""
    template = environment().get_template("report.md.j2")
    return template.render(views=[_view(r, msgs, chart=False) for r in reports], invalid=invalid, ui=msgs.ui,
                           msgs=msgs)


def render_html(reports: list[SchoolReport], msgs: Messages, invalid: Sequence[InvalidFile] = ()) -> str:
    """A self-contained page; files that could not be scored get their own section with every diagnostic."""
    template = environment().get_template("report.html.j2")
    return template.render(views=[_view(r, msgs) for r in reports], invalid=invalid, ui=msgs.ui, msgs=msgs,
                           lang=msgs.lang)
