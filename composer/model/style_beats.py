"""The beat a drum part added in a groove_* style starts from: one key per limb (kick, snare hand,
time-keeping hand, hi-hat foot) and the positions of a 4/4 bar where that limb plays in at least
40 % of the style's bars in the Groove MIDI Dataset's training split (Gillick et al. 2019, CC BY
4.0; style_beats.json, written by scripts/measure_style_beats.py: statistics only, no notes).

One key per limb and position, so the beat is one two hands and two feet can play (per-key odds
measured on Groove stacked 4-6 drums on a beat and lost the kick and backbeat; QA qa14 D1, D2),
and a style's own shape (QA F9: the plain rock beat for every style): funk's kick on the a of one
and the and of three with ghost snares, jazz's ride ding-ding-a-ding with the hi-hat foot on two
and four on swung triplets, Latin's kick and rim pattern.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from composer.music.score import TICKS_PER_QUARTER

BEATS = Path(__file__).with_name("style_beats.json")
UNIT = {"straight": TICKS_PER_QUARTER // 4, "swung": TICKS_PER_QUARTER // 3}  # ticks per position
SWUNG_SIXTEENTHS = (0, 1, 2, 2)  # a straight style swung: its e, and, a to the triplets 1, 2, 2 of the beat


@lru_cache(maxsize=1)
def _styles() -> dict:
    return json.loads(BEATS.read_text())["styles"]


def style_beat(style: str | None, numerator: int, denominator: int,
               swing: bool = False) -> list[tuple[int, int]] | None:
    """[(ticks since the bar line, GM drum key)] of one 4/4 bar of `style`'s beat (sorted), swung
    (straight positions moved to eighth-note triplets) when `swing`; None for a style without a
    measured beat (not groove_*) or a bar other than 4/4 (Groove is 98 % 4/4)."""
    entry = _styles().get(style or "")
    if entry is None or (numerator, denominator) != (4, 4):
        return None
    notes = set()
    for limb, key in entry["keys"].items():
        for position in entry[limb]:
            if entry["grid"] == "swung":
                tick = position * UNIT["swung"]
            elif swing:
                beat, sixteenth = divmod(position, 4)
                tick = beat * TICKS_PER_QUARTER + SWUNG_SIXTEENTHS[sixteenth] * UNIT["swung"]
            else:
                tick = position * UNIT["straight"]
            notes.add((tick, int(key)))
    return sorted(notes)


def swung(style: str | None) -> bool:
    """Whether `style`'s beat is played on eighth-note triplets (jazz, Afro-Cuban)."""
    entry = _styles().get(style or "")
    return entry is not None and entry["grid"] == "swung"
