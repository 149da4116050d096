"""The beat a drum part added in a groove_* style starts from: one key per limb (kick, snare hand,
time-keeping hand, hi-hat foot) and the positions of a 4/4 bar where that limb plays in at least
40 % of the style's bars in the Groove MIDI Dataset's training split (Gillick et al. 2019, CC BY
4.0; style_beats.json, written by scripts/measure_style_beats.py: statistics only, no notes).

One key per limb and position, so the beat is one two hands and two feet can play (per-key odds
measured on Groove stacked 4-6 drums on a beat and lost the kick and backbeat; QA qa14 D1, D2),
and a style's own shape (QA F9: the plain rock beat for every style): funk's kick on the a of one
and the and of three with ghost snares, jazz's ride ding-ding-a-ding with the hi-hat foot on two
and four on swung triplets, Latin's kick and rim pattern. A style with a beat measured in 3/4 too
has it under "3/4" (jazz's waltz). Styles of melodies with a drum family (jazz, standards, songs)
play that family's beat (DRUM_FAMILY).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from composer.music.score import TICKS_PER_QUARTER

BEATS = Path(__file__).with_name("style_beats.json")
UNIT = {"straight": TICKS_PER_QUARTER // 4, "swung": TICKS_PER_QUARTER // 3}  # ticks per position
SWUNG_SIXTEENTHS = (0, 1, 2, 2)  # a straight style swung: its e, and, a to the triplets 1, 2, 2 of the beat
# Styles without a measured beat of their own whose drums play the groove style a musician hears
# in them: jazz solos and standards swing on the ride, early rock & roll plays the rock beat, a
# popular or show song the pop beat (QA qa15 L4: `--style jazz` got the straight rock beat with
# eighth hats). Folk tunes, fiddle tunes, chorales and polyphony have no drummer of their own to
# copy: they keep the plain beat (composer.model.region_writer.default_groove).
DRUM_FAMILY = {"jazz": "groove_jazz", "popular_song_jazz": "groove_jazz", "popular_song_rock": "groove_rock",
               "popular_song": "groove_pop", "popular_song_stage": "groove_pop"}


@lru_cache(maxsize=1)
def _styles() -> dict:
    return json.loads(BEATS.read_text())["styles"]


def beat_style(style: str | None) -> str | None:
    """The groove style whose measured beat `style`'s drums play: `style` itself where it has one
    (groove_*), its DRUM_FAMILY ('jazz' -> 'groove_jazz'), else None (the plain beat)."""
    if style in _styles():
        return style
    return DRUM_FAMILY.get(style or "")


def style_beat(style: str | None, numerator: int, denominator: int,
               swing: bool = False) -> list[tuple[int, int]] | None:
    """[(ticks since the bar line, GM drum key)] of one 4/4 bar of `style`'s beat (sorted), swung
    (straight positions moved to eighth-note triplets) when `swing`; a style without a beat of its
    own plays its DRUM_FAMILY's (beat_style); a bar other than 4/4 plays the style's beat measured
    in that meter (jazz's 3/4: a jazz waltz); None for a style without either, or without a beat
    measured in the meter (Groove is 98 % 4/4)."""
    entry = _styles().get(beat_style(style) or "")
    if entry is not None and (numerator, denominator) != (4, 4):
        entry = entry.get(f"{numerator}/{denominator}")
    if entry is None:
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


def swung(style: str | None, numerator: int = 4, denominator: int = 4) -> bool:
    """Whether `style`'s beat (beat_style's) in the meter is played on eighth-note triplets (jazz, Afro-Cuban)."""
    entry = _styles().get(beat_style(style) or "")
    if entry is not None and (numerator, denominator) != (4, 4):
        entry = entry.get(f"{numerator}/{denominator}")
    return entry is not None and entry["grid"] == "swung"


def kick_line(style: str | None, numerator: int, denominator: int) -> list[int] | None:
    """The onsets (ticks since the bar line, sorted) of a bass line that plays with `style`'s kick
    in the meter: the kick's and the half bar's, where a chord may change; None where the style
    has no measured beat there, its kick keeps to the beats (rock, pop: a bass's plain lines play
    with it already) or lies off the straight sixteenths (swung: jazz, Afro-Cuban)."""
    beat = style_beat(style, numerator, denominator)
    kicks = {t for t, k in beat or () if k == 36}
    quarter = TICKS_PER_QUARTER
    if not kicks or all(t % quarter == 0 for t in kicks) or any(t % (quarter // 4) for t in kicks):
        return None
    return sorted({0, 4 * quarter * numerator // denominator // 2, *kicks})
