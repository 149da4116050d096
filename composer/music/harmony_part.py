"""A harmony part already in a score, and how a second one is written beside it.

Add part > Harmony wrote a comping part of block chords under the tune whatever the score held, so
a piece with its own piano comping got a second, doubling one in the same register and rhythm
(QA). composer.request.add_part asks first (PartExists); if the person adds it anyway, the
co-writer (composer.model.region_writer) writes it to complement the one there, as an arranger
writes a pad beside a comping piano: another rhythm (one held chord a bar beside a part that moves,
a chord on each beat beside one that holds) and, where there is room under the tune, another
register (above the part's chords, else below them). What the person is told and what is written
come from the one Complement, so the message says what will be played.

Pitches are MIDI numbers; ticks are score ticks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from composer.music.roles import CHORD_SHARE, infer_roles, polyphony_share
from composer.music.scales import note_name
from composer.music.score import Note, Score

MIN_CHORDS = 4  # chords (onsets of 2+ notes) in the span for a part to count as the harmony
HELD_ABOVE = 1.5  # a part with more chord onsets a bar than this moves: the new one holds one a bar
CHORD_SPAN = 7  # semitones a close triad spans (top to bottom), the least room a register needs
TOP_ROOM = 3  # semitones the new chords' top is kept inside its range (priors.TOP_WIDTH: its pull's slack)
LOWEST_CHORDS = 48  # C3: close chords lower down are mud (a third's low interval limit); no room below then
RANGE = 12  # the new part's range below the part's chords (an octave)


def comping_top(tune: Iterable[int]) -> float:
    """Where an added harmony part's chords have their top note, given the tune's pitches: a fourth
    under its median and under its low notes (10th percentile, less a semitone), between G3 and D5.
    A fourth under the median alone put chords under a tune of E4-E5 up to G4, over its own low
    notes (QA). 67 (G4) without a tune."""
    tune = np.asarray(list(tune), dtype=np.float64)
    if not len(tune):
        return 67.0
    return float(np.clip(min(np.median(tune) - 5, np.percentile(tune, 10) - 1), 55, 74))


@dataclass(frozen=True)
class Complement:
    """A harmony part found in a score, and how a second one complements it.

    voice, name: the part there; chords, onsets: its onsets sounding 2+ notes at once, of all its
    onsets (in the span asked); per_bar: its onsets a bar (in the bars it plays); chords_a_bar:
    how many chords a bar the new part plays (1, held through the bar, beside a part that moves;
    else one on each beat); lowest, highest: the new part's range (None: the same register, no
    room under the tune); where: "above" or "below" the part's chords, or ""."""

    voice: int
    name: str
    chords: int
    onsets: int
    per_bar: float
    chords_a_bar: int
    lowest: int | None = None
    highest: int | None = None
    where: str = ""
    part: str = "harmony"  # (composer.music.second_part's complements name their part too)
    range_given: bool = False  # the person gave the range: theirs (lowest, highest stay None)

    @property
    def held(self) -> bool:
        return self.chords_a_bar == 1

    @property
    def top(self) -> float | None:
        """The new chords' top note (None: as a harmony part without a neighbour)."""
        return None if self.highest is None else float(self.highest - TOP_ROOM)

    def plan_text(self) -> str:
        """What the new part plays, e.g. 'held chords, one a bar, in F#3-F4 below its chords'."""
        rhythm = "held chords, one a bar" if self.held else "a chord on each beat"
        if self.range_given:  # (it said "no room beside it" over the range the person gave)
            return f"{rhythm}, in the range given"
        if self.lowest is None or self.highest is None:
            return f"{rhythm}, in the same register (there is no room beside it under the tune)"
        return f"{rhythm}, in {note_name(self.lowest)}-{note_name(self.highest)} {self.where} its chords"

    def found_text(self) -> str:
        """'the piece already has a harmony part, "Piano" (voice 2: chords at 32 of 32 onsets)'."""
        return (f'the piece already has a harmony part, "{self.name}" (voice {self.voice + 1}: chords at '
                f"{self.chords} of {self.onsets} onsets, {self.per_bar:.3g} a bar)")


def find_harmony_part(score: Score, start: int | None = None, end: int | None = None,
                      exclude: Iterable[int] = ()) -> int | None:
    """The voice of `score` that already plays the harmony over [start, end) (ticks; None: from the
    start / to the end): a pitched voice of role "harmony" (composer.music.roles) whose notes there
    sound 2+ pitches together at CHORD_SHARE of its onsets or more, at MIN_CHORDS onsets at least
    (one a bar in a span of fewer bars: bars_in_span); the one with most notes there, or None. `exclude`: voices not to count (the part being added)."""
    roles = infer_roles(score)
    skip = set(exclude)
    bars = bars_in_span(score, start, end)
    notes_of: dict[int, list[Note]] = defaultdict(list)
    for n in score.notes:
        if n.voice not in skip and (start is None or n.onset >= start) and (end is None or n.onset < end):
            notes_of[n.voice].append(n)
    found = []
    for voice, notes in notes_of.items():
        if voice >= len(score.voices) or score.voices[voice].is_drum or roles[voice] != "harmony":
            continue
        if polyphony_share(notes) >= CHORD_SHARE and _chord_onsets(notes) >= min(MIN_CHORDS, bars):
            found.append((len(notes), -voice, voice))
    return max(found)[2] if found else None


def bars_in_span(score: Score, start: int | None, end: int | None) -> int:
    """How many bars [start, end) touches (None: from the first note / to the last note's end), at
    least 1. A part counts as there with a chord (a note) a bar in a span shorter than its minimum:
    one or two bars of comping or a bass in half notes never made 4 chords (8 notes) (QA)."""
    meters = score.meter_map()
    first = start if start is not None else min((n.onset for n in score.notes), default=0)
    last = (end if end is not None else score.end) - 1
    return 1 if last < first else meters.bar_index(last) - meters.bar_index(first) + 1


def complement_for(score: Score, voice: int, start: int | None = None, end: int | None = None,
                   exclude: Iterable[int] = (), keep_range: bool = False) -> Complement:
    """How a second harmony part complements `voice` (find_harmony_part's) over [start, end).
    keep_range: the person gave the part a range (the register is theirs: the rhythm alone changes).
    The tune is the pitched voice (not `voice`'s partner being added: `exclude`) highest by median."""
    skip = set(exclude)
    inside = [n for n in score.notes if (start is None or n.onset >= start) and (end is None or n.onset < end)]
    own = [n for n in inside if n.voice == voice]
    meters = score.meter_map()
    onsets = sorted({n.onset for n in own})
    bars = {meters.bar_index(t) for t in onsets}
    per_bar = len(onsets) / max(1, len(bars))
    first = meters.at(onsets[0] if start is None else start)
    beats = first.numerator // 3 if first.numerator in (6, 9, 12) else first.numerator
    chords_a_bar = 1 if per_bar > HELD_ABOVE else max(2, beats)
    found = dict(voice=voice, name=score.voices[voice].name, chords=_chord_onsets(own), onsets=len(onsets),
                 per_bar=per_bar, chords_a_bar=chords_a_bar)
    if keep_range:
        return Complement(**found, range_given=True)
    pitches = np.array([n.pitch for n in own])
    low, high = int(np.percentile(pitches, 10)), int(np.percentile(pitches, 90))
    pitched = defaultdict(list)
    for n in inside:
        if n.voice not in skip and n.voice < len(score.voices) and not score.voices[n.voice].is_drum:
            pitched[n.voice].append(n.pitch)
    tune = max(pitched.values(), key=lambda p: float(np.median(p)))
    ceiling = int(comping_top(tune)) + TOP_ROOM  # the highest a new chord note goes under the tune
    if ceiling - high >= CHORD_SPAN + TOP_ROOM + 1:  # room above its chords, under the tune
        return Complement(**found, lowest=high + 1, highest=ceiling, where="above")
    if low - 1 - CHORD_SPAN - TOP_ROOM >= LOWEST_CHORDS:
        return Complement(**found, lowest=max(LOWEST_CHORDS, low - 1 - RANGE), highest=low - 1, where="below")
    return Complement(**found)


def _chord_onsets(notes: list[Note]) -> int:
    """Onsets at which the notes sound two pitch classes or more: a line doubled in octaves is no
    harmony part (a blues riff in octaves had to be added to with --anyway, QA qa36)."""
    classes: dict[int, set[int]] = defaultdict(set)
    for n in notes:
        classes[n.onset].add(n.pitch % 12)
    return sum(1 for c in classes.values() if len(c) > 1)


__all__ = ["Complement", "bars_in_span", "comping_top", "complement_for", "find_harmony_part"]
