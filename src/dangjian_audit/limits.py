"""Plausible bounds on evidence values, kept in one table.

A school's evidence is counted in people, hours, days and yuan; a number beyond these
bounds is a typo or a hostile file, never a fact, and it must not reach the rules (a
10**30-member organization would otherwise score). The evidence model takes its ``le=``
limits from here; the consistency pass and the readers use the text and size limits.
"""

from __future__ import annotations

import os
from typing import Final

#: people in one Party organization, meeting, vote, appraisal or staff
MAX_PEOPLE: Final = 10_000
#: students in one school (the largest complete schools have a few tens of thousands)
MAX_STUDENTS: Final = 100_000
#: other counts: sessions, reviews, mentors, sponsors, participants
MAX_COUNT: Final = 10_000
#: study or training hours in one period
MAX_HOURS: Final = 2_000
#: days (a notice period)
MAX_DAYS: Final = 366
#: months of unpaid dues on record (two years; 党章: six months unpaid without reason means leaving)
MAX_DUES_MONTHS: Final = 24
#: a person's age in years
MAX_AGE: Final = 120
#: an amount of money in yuan
MAX_YUAN: Final = 10**9
#: records in one list of the evidence (meetings, decisions, activities, talks ...); the roster of
#: members is bounded by MAX_PEOPLE. Far above any school's year, and it bounds the work one file
#: can ask for (100,000 decisions took 32 s and 1.9 GB before this bound)
MAX_RECORDS: Final = 5_000
#: an upper estimate of the values in one YAML file (its colons, commas and lines), checked before
#: parsing: the parser builds every node before anything can be refused, so 6 MB of "1," took 16 s
#: and 1.2 GB; the largest bundled example has about 3,600
MAX_YAML_VALUES: Final = 200_000
#: items in a short list (terms, agenda flags, clauses, checklist items, honours)
MAX_ITEMS: Final = 200
#: an assessment period, in months
MAX_PERIOD_MONTHS: Final = 13

#: an id (member, meeting, document ...)
MAX_ID_CHARS: Final = 64
#: a school's full name
MAX_NAME_CHARS: Final = 100
#: a one-line text (title, place, owner)
MAX_LINE_CHARS: Final = 200
#: free text (a note, a topic)
MAX_TEXT_CHARS: Final = 2_000

#: the largest file any command reads, unless overridden
DEFAULT_MAX_FILE_BYTES: Final = 8 * 1024 * 1024
#: the environment variable overriding it for evidence files (``check`` and ``batch`` also take ``--max-file-size``)
MAX_FILE_BYTES_ENV: Final = "DANGJIAN_AUDIT_MAX_FILE_BYTES"


def max_file_bytes() -> int:
    """The file size limit in force: the environment's if it is a positive whole number, else the default."""
    raw = os.environ.get(MAX_FILE_BYTES_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_FILE_BYTES
