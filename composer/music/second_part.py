"""A drum or bass part already in a score, and how a second one of the kind is written beside it.

Add part > Drums and Add part > Bass wrote their part whatever the score held, so a piece with its
own drum groove got "Drums 2" repeating the kit pattern (kick, snare, hi-hat) and a piece with its
own bass line got "Bass 2" in the same register (QA). As for harmony (composer.music.harmony_part),
composer.request.add_part asks first (PartExists) and, added anyway, the co-writer
(composer.model.region_writer) writes the part to complement the one there, as a band adds a
percussionist beside a drummer or a second bass an octave away:

- drums: other instruments of the kit, hand percussion on the General MIDI drum map (shaker,
  tambourine, congas), none of the keys the drum part plays, in a plain percussion groove;
- bass: an octave above the bass there (below, where the tune leaves no room above and E1 allows),
  in another rhythm (one note held a bar beside a line that moves, a note on each beat beside one
  that holds).

What the person is told and what is written come from the one complement, so the message says what
will be played. find_part_there dispatches on the part (harmony included). Pitches and drum keys
are MIDI numbers (drum keys: the GM percussion map, channel 10); ticks are score ticks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from composer.music.harmony_part import bars_in_span
from composer.music.instruments import GM_DRUM_KEYS
from composer.music.roles import infer_roles
from composer.music.scales import note_name
from composer.music.score import Note, Score

MIN_NOTES = 8  # notes (hits) in the span for a drum or bass part to count as there
# GM hand percussion a second kit part plays, in order of use: maracas (the shaker), tambourine,
# open and low conga, mute high conga; then cabasa, cowbell, claves, high and low bongo, high and
# low timbale, agogo, wood block, triangle (a drum part that plays them all leaves none else).
PERCUSSION = (70, 54, 63, 64, 62, 69, 56, 75, 60, 61, 65, 66, 67, 68, 76, 77, 80, 81)
PERCUSSION_KEYS = 5  # how many of them the new part plays
MOVING_ABOVE = 1.5  # a bass with more onsets a bar than this moves: the new one holds one a bar
OCTAVE = 12
LOWEST_BASS = 28  # E1, the lowest string of a bass guitar
BASS_UNDER_TUNE = 7  # semitones (a fifth) a second bass stays under the tune's low notes (10th percentile)


def _in_span(score: Score, start: int | None, end: int | None, skip: set[int]) -> dict[int, list[Note]]:
    notes_of: dict[int, list[Note]] = defaultdict(list)
    for n in score.notes:
        if n.voice not in skip and (start is None or n.onset >= start) and (end is None or n.onset < end):
            notes_of[n.voice].append(n)
    return notes_of


def _per_bar(score: Score, notes: list[Note]) -> float:
    meters = score.meter_map()
    onsets = sorted({n.onset for n in notes})
    return len(onsets) / max(1, len({meters.bar_index(t) for t in onsets}))


@dataclass(frozen=True)
class DrumComplement:
    """A drum part found in a score, and the kit a second one plays.

    voice, name: the part there; hits: its notes in the span; kit: its keys, most played first;
    keys: the keys the new part plays (GM hand percussion the part there does not play)."""

    voice: int
    name: str
    hits: int
    kit: tuple[int, ...]
    keys: tuple[int, ...]
    part: str = "drums"

    def plan_text(self) -> str:
        """'other instruments of the kit: Maracas, Tambourine, ... (not its Bass Drum 1, ...)'."""
        mine = ", ".join(GM_DRUM_KEYS.get(k, str(k)) for k in self.keys)
        theirs = ", ".join(GM_DRUM_KEYS.get(k, str(k)) for k in self.kit[:3])
        return f"other instruments of the kit, hand percussion: {mine} (not its {theirs})"

    def found_text(self) -> str:
        """'the piece already has a drum part, "Drums" (voice 2: 48 hits, Bass Drum 1, ...)'."""
        kit = ", ".join(GM_DRUM_KEYS.get(k, str(k)) for k in self.kit[:3])
        return f'the piece already has a drum part, "{self.name}" (voice {self.voice + 1}: {self.hits} hits, {kit})'


@dataclass(frozen=True)
class BassComplement:
    """A bass part found in a score, and how a second one complements it.

    voice, name: the part there; notes, per_bar: its notes and onsets a bar in the span; low, high:
    its range (10th-90th percentile, notes it plays); notes_a_bar: the new part's rhythm (1: one note held a bar,
    else one on each beat); lowest, highest: the new part's range (None: the same register);
    where: "above" or "below" it, or ""."""

    voice: int
    name: str
    notes: int
    per_bar: float
    low: int
    high: int
    notes_a_bar: int
    lowest: int | None = None
    highest: int | None = None
    where: str = ""
    range_given: bool = False  # the person gave the range: theirs, not an octave away
    part: str = "bass"

    @property
    def held(self) -> bool:
        return self.notes_a_bar == 1

    def plan_text(self) -> str:
        """'held notes, one a bar, an octave above it (C3-G3)'."""
        rhythm = "held notes, one a bar" if self.held else "a note on each beat"
        if self.range_given:
            return f"{rhythm}, in the range given"
        if self.lowest is None or self.highest is None:
            return f"{rhythm}, in the same register (there is no room an octave away)"
        return f"{rhythm}, an octave {self.where} it ({note_name(self.lowest)}-{note_name(self.highest)})"

    def found_text(self) -> str:
        """'the piece already has a bass part, "Bass" (voice 2: 32 notes, C2-G2)'."""
        return (f'the piece already has a bass part, "{self.name}" (voice {self.voice + 1}: {self.notes} notes, '
                f"{note_name(self.low)}-{note_name(self.high)})")


def find_drum_part(score: Score, start: int | None = None, end: int | None = None,
                   exclude: Iterable[int] = ()) -> int | None:
    """The drum voice (Voice.is_drum) with most hits over [start, end) (ticks; None: open), at least
    MIN_NOTES (one a bar in a span of fewer bars), or None. `exclude`: voices not to count (the part
    being added)."""
    least = min(MIN_NOTES, bars_in_span(score, start, end))
    found = [(len(notes), -v, v) for v, notes in _in_span(score, start, end, set(exclude)).items()
             if v < len(score.voices) and score.voices[v].is_drum and len(notes) >= least]
    return max(found)[2] if found else None


def find_bass_part(score: Score, start: int | None = None, end: int | None = None,
                   exclude: Iterable[int] = ()) -> int | None:
    """The pitched voice of role "bass" (composer.music.roles) with most notes over [start, end), at
    least MIN_NOTES (one a bar in a span of fewer bars: 5 notes of a bass line in bars 7-8 went
    uncounted, and a second bass doubled it there, QA), or None."""
    roles = infer_roles(score)
    least = min(MIN_NOTES, bars_in_span(score, start, end))
    found = [(len(notes), -v, v) for v, notes in _in_span(score, start, end, set(exclude)).items()
             if v < len(score.voices) and not score.voices[v].is_drum and roles[v] == "bass"
             and len(notes) >= least]
    return max(found)[2] if found else None


def drum_complement(score: Score, voice: int, start: int | None = None, end: int | None = None) -> DrumComplement:
    """The hand percussion a second kit part plays beside drum voice `voice` over [start, end)."""
    own = _in_span(score, start, end, set())[voice]
    counts: dict[int, int] = defaultdict(int)
    for n in own:
        counts[n.pitch] += 1
    kit = tuple(sorted(counts, key=lambda k: (-counts[k], k)))
    keys = tuple(k for k in PERCUSSION if k not in counts)[:PERCUSSION_KEYS]
    return DrumComplement(voice=voice, name=score.voices[voice].name, hits=len(own), kit=kit, keys=keys)


def bass_complement(score: Score, voice: int, start: int | None = None, end: int | None = None,
                    exclude: Iterable[int] = (), keep_range: bool = False) -> BassComplement:
    """How a second bass complements bass voice `voice` over [start, end): another rhythm and, unless
    keep_range (the person gave a range), an octave above it where that stays BASS_UNDER_TUNE under
    the tune (the pitched voice highest by median, not `exclude`), else an octave below down to E1,
    else the same register."""
    inside = _in_span(score, start, end, set(exclude))
    own = inside[voice]
    pitches = np.array([n.pitch for n in own])
    # notes it plays (interpolated, D G A read "D2-Ab2" and C D E G A "C#2-A2": QA)
    low, high = int(np.percentile(pitches, 10, method="lower")), int(np.percentile(pitches, 90, method="higher"))
    per_bar = _per_bar(score, own)
    first = score.meter_map().at(min(n.onset for n in own) if start is None else start)
    beats = first.numerator // 3 if first.numerator in (6, 9, 12) and first.denominator == 8 else first.numerator
    found = dict(voice=voice, name=score.voices[voice].name, notes=len(own), per_bar=per_bar, low=low, high=high,
                 notes_a_bar=1 if per_bar > MOVING_ABOVE else max(2, beats))
    if keep_range:
        return BassComplement(**found, range_given=True)
    others = [[n.pitch for n in notes] for v, notes in inside.items()
              if v != voice and v < len(score.voices) and not score.voices[v].is_drum]
    tune = max(others, key=lambda p: float(np.median(p))) if others else []
    ceiling = int(np.percentile(tune, 10)) - BASS_UNDER_TUNE if len(tune) else 127
    top = max(high, low + OCTAVE - 1)  # an octave of room at least: a bass on one note still finds every root
    if high + OCTAVE <= ceiling:  # the widened octave ends under the tune (D2-A2 under F#4: C3-B3, not none)
        highest = min(top + OCTAVE, ceiling)
        return BassComplement(**found, lowest=min(low + OCTAVE, highest - OCTAVE + 1), highest=highest, where="above")
    if low - OCTAVE >= LOWEST_BASS:
        return BassComplement(**found, lowest=low - OCTAVE, highest=top - OCTAVE, where="below")
    return BassComplement(**found)


def find_part_there(score: Score, part: str, start: int | None = None, end: int | None = None,
                    exclude: Iterable[int] = (), keep_range: bool = False):
    """The complement (harmony_part.Complement, DrumComplement or BassComplement) for adding `part`
    (a key of composer.request.PARTS) over [start, end) where the score already has a part of the
    kind there, or None (no such part, or a counter-melody: a second line is what it is for).
    Each has voice, name, part, found_text() and plan_text()."""
    if part == "harmony":
        from composer.music.harmony_part import complement_for, find_harmony_part

        voice = find_harmony_part(score, start, end, exclude=exclude)
        return None if voice is None else complement_for(score, voice, start, end, exclude=exclude,
                                                         keep_range=keep_range)
    if part == "drums":
        voice = find_drum_part(score, start, end, exclude=exclude)
        return None if voice is None else drum_complement(score, voice, start, end)
    if part == "bass":
        voice = find_bass_part(score, start, end, exclude=exclude)
        return None if voice is None else bass_complement(score, voice, start, end, exclude=exclude,
                                                          keep_range=keep_range)
    return None


__all__ = ["BassComplement", "DrumComplement", "PERCUSSION", "bass_complement", "drum_complement",
           "find_bass_part", "find_drum_part", "find_part_there"]
