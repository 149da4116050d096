"""ABC text before music21 sees it: one text per tune, and a screen for hostile tunes.

music21 re-bars a measure whose length does not fit the meter into a time signature as long as
the measure, at a cost that grows with the square of its length (see music21_screens). Fuzzing
found: a rest written `z99999993` took over 9 GB and minutes, `z999` alone about 7 s, and
`L:9999991/8` (every note a million bars long) hangs. Real tunes stay far below: across the
~13,000 tunes in music21's corpus the longest note is 442 units and the longest unit length 1/1.
So a tune that would cost more than a second or two is skipped with a clear reason, and the rest
of its collection is still read.
"""

from __future__ import annotations

import re

from composer.io.music21_screens import oversized_meter

MAX_NOTE_UNITS = 512  # one note or rest, in units of the tune's L: length
_LONG_NOTE_BUDGET = 512 ** 2  # sum of squared lengths of the long notes in one tune
_FIELD_LINE = re.compile(r"^[A-Za-z+]:")
_UNIT = re.compile(r"L:\s*(\d+)\s*/\s*(\d+)")
_NOT_NOTES = re.compile(r'"[^"]*"|![^!]*!|%.*$')  # chord symbols, decorations, comments
# A note or rest (z, x; Z and X count bars, cheaply) or a chord's closing bracket, then its length.
_LENGTH = re.compile(r"(?:[A-Ga-gzx][,']*|\])(\d+)")


def decode(raw: bytes) -> str:
    """ABC and Humdrum files in the wild are UTF-8 or Windows/Latin-1; music21 insists on UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def split_tunes(text: str) -> list[str]:
    """An ABC collection -> one text per tune, each with the file header (the lines before the
    first X:, which set defaults for every tune). Parsing tune by tune lets one broken tune be
    skipped instead of costing the whole collection."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("X:")]
    if not starts:
        return [text]
    header = "".join(lines[:starts[0]])
    bounds = starts + [len(lines)]
    return [header + "".join(lines[a:b]) for a, b in zip(bounds, bounds[1:])]


def hostile_reason(tune: str) -> str | None:
    """Why music21 must not parse this tune (an absurd meter or absurdly long notes), or None."""
    meter = oversized_meter(tune, "abc")
    if meter:
        return meter
    for match in _UNIT.finditer(tune):
        if int(match.group(1)[:12]) > int(match.group(2)[:12]):  # every note would be that long
            return f"a unit note length L:{match.group(1)[:12]}/{match.group(2)[:12]} longer than a whole note"
    cost = 0
    for line in tune.splitlines():
        if _FIELD_LINE.match(line):
            continue
        for match in _LENGTH.finditer(_NOT_NOTES.sub("", line)):
            units = int(match.group(1)[:12])  # 12 digits is absurd enough; int() of 10k digits is slow
            if units > MAX_NOTE_UNITS:
                return f"a note {units} units long (at most {MAX_NOTE_UNITS} are read)"
            if units > 32:
                cost += units * units
    if cost > _LONG_NOTE_BUDGET:
        return "too many very long notes"
    return None
