"""The templates' context calls message lookups directly and every other callable as Jinja does."""

from __future__ import annotations

import jinja2
import pytest

from dangjian_audit.i18n import Messages
from dangjian_audit.reporters._jinja import environment


def _render(source: str, **values: object) -> str:
    return environment().from_string(source).render(**values)


def test_message_lookups_as_outside_a_template() -> None:
    msgs = Messages("en")
    source = "{{ ui('total') }}|{{ ui('invalid_files', count=3) }}|{{ msgs.fmt('plan', 'next_more', {'count': 2}) }}"
    expected = f"{msgs.ui('total')}|{msgs.ui('invalid_files', count=3)}|{msgs.fmt('plan', 'next_more', {'count': 2})}"
    assert _render(source, ui=msgs.ui, msgs=msgs) == expected
    # inside a loop the call carries the loop's variables, which a lookup must not receive
    assert _render("{% for n in [1, 2] %}{{ ui('invalid_files', count=n) }};{% endfor %}", ui=msgs.ui) == (
        f"{msgs.ui('invalid_files', count=1)};{msgs.ui('invalid_files', count=2)};")


def test_other_callables_keep_jinja_behaviour() -> None:
    @jinja2.pass_context
    def who(context: jinja2.runtime.Context) -> str:
        return str(context["name"])

    def empty() -> str:
        raise StopIteration

    assert _render("{{ who() }}", who=who, name="x") == "x"
    with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
        _render("{{ empty() }}", empty=empty)
