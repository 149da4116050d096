"""Chord symbols: the chord track of a Score and its small quality vocabulary.

A chord symbol is a figure as lead sheets write it ("Am7", "F/A", "G7sus4", "Bbmaj7") with an
onset and a duration in ticks (TICKS_PER_QUARTER per quarter). For the model a figure reduces to
(root pitch class 0-11, index into QUALITIES) by root_and_quality.

Parsing is music21's (music21.harmony.ChordSymbol, the MusicXML/lead-sheet chord grammar); this
module only adapts the spelling lead sheets use and music21 does not: flats written "b" (music21
writes "-"), "-" after the root for minor (jazz and WJazzD usage), "j7"/"maj9", "m7b5" and "6/9".
The quality is then read from the pitch classes music21 builds (intervals above the root), so
tensions and alterations ("C7b9", "Ebmaj7#11") fall to their seventh-chord family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Order is part of the model's input encoding: append, never reorder.
QUALITIES: tuple[str, ...] = (
    "maj", "min", "dim", "aug", "sus2", "sus4", "6", "min6",
    "dom7", "maj7", "min7", "minmaj7", "dim7", "hdim7", "aug7", "7sus4",
)
QUALITY_INDEX = {name: i for i, name in enumerate(QUALITIES)}
# The figure suffix that names each quality (for figures built from a (root, quality) pair).
QUALITY_SUFFIX = {"maj": "", "min": "m", "dim": "dim", "aug": "aug", "sus2": "sus2", "sus4": "sus4", "6": "6",
                  "min6": "m6", "dom7": "7", "maj7": "maj7", "min7": "m7", "minmaj7": "mM7", "dim7": "dim7",
                  "hdim7": "m7b5", "aug7": "aug7", "7sus4": "7sus4"}
NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

_FIGURE = re.compile(r"^\s*([A-Ga-g])([#b]{0,2})([^/]*?)(?:/([A-Ga-g])([#b]{0,2}))?\s*$")
# Lead-sheet spellings music21's chord grammar lacks -> ones it has (applied to the kind, in order).
_KIND_ALIASES = (
    (re.compile(r"^-"), "m"),  # "-7" = "m7"
    (re.compile(r"^(m|min)7?b5$|^-7b5$"), "ø7"),
    (re.compile(r"^(m|min)(maj|Maj|ma|j|M|Δ)7$"), "mM7"),
    (re.compile(r"^(maj|ma|j|M|Δ)(9|11|13)$"), "maj7"),
    (re.compile(r"^(j|Δ|ma)7"), "maj7"),
    (re.compile(r"^(m?)6/?9$"), r"\g<1>6"),
    (re.compile(r"^(9|11|13)sus4?$"), "7sus4"),
    (re.compile(r"^7?sus$"), lambda m: "sus4" if m.group(0) == "sus" else "7sus4"),
    (re.compile(r"alt$"), ""),
    (re.compile(r"^o7$"), "dim7"),
    (re.compile(r"^o$"), "dim"),
)


@dataclass(frozen=True, slots=True)
class ChordSymbol:
    """A chord figure sounding from onset for duration ticks (TICKS_PER_QUARTER per quarter)."""

    onset: int
    duration: int
    figure: str

    @property
    def end(self) -> int:
        return self.onset + self.duration


def _music21_figure(figure: str) -> tuple[str, str | None]:
    """(figure without bass in music21's spelling, bass note in music21's spelling or None)."""
    match = _FIGURE.match(figure)
    if not match:
        raise ValueError(f"{figure!r} is not a chord symbol (write a root A-G, then the kind: 'Am7', 'F/A', 'G7sus4')")
    letter, accidentals, kind, bass_letter, bass_accidentals = match.groups()
    root = letter.upper() + accidentals.replace("b", "-")
    kind = kind.strip().strip("()")
    for pattern, replacement in _KIND_ALIASES:
        kind = pattern.sub(replacement, kind)
    bass = bass_letter.upper() + bass_accidentals.replace("b", "-") if bass_letter else None
    return root + kind, bass


def _quality_from_intervals(intervals: set[int]) -> str:
    """The QUALITIES name of a chord from its intervals above the root (semitones mod 12)."""
    seventh = 10 in intervals
    major_seventh = 11 in intervals
    if 4 in intervals:
        if 8 in intervals and 7 not in intervals:
            return "aug7" if seventh else ("maj7" if major_seventh else "aug")
        return "dom7" if seventh else "maj7" if major_seventh else "6" if 9 in intervals else "maj"
    if 3 in intervals:
        if 6 in intervals and 7 not in intervals:
            return "hdim7" if seventh else "dim7" if 9 in intervals else "dim"
        return "min7" if seventh else "minmaj7" if major_seventh else "min6" if 9 in intervals else "min"
    if 5 in intervals:
        return "7sus4" if seventh else "sus4"
    if 2 in intervals:
        return "sus2"
    return "maj"  # a power chord or pedal: root and fifth


@lru_cache(maxsize=4096)
def root_and_quality(figure: str) -> tuple[int, int]:
    """(root pitch class 0-11, index into QUALITIES) of a chord figure.

    Raises ValueError naming the figure when music21 cannot read it (or it is "N.C.").
    """
    from music21 import harmony, pitch

    head, bass = _music21_figure(figure)
    try:
        symbol = harmony.ChordSymbol(head)
        if bass is not None:
            pitch.Pitch(bass)
        root = symbol.root()
        if root is None or not symbol.pitches:
            raise ValueError("no root")
    except Exception as error:  # music21 raises ValueError and its own exception types
        raise ValueError(f"{figure!r}: not a chord symbol music21 reads ({error})") from None
    intervals = {(p.pitchClass - root.pitchClass) % 12 for p in symbol.pitches}
    return root.pitchClass, QUALITY_INDEX[_quality_from_intervals(intervals)]


def is_chord_figure(figure: str) -> bool:
    try:
        root_and_quality(figure)
    except ValueError:
        return False
    return True


def figure_of(root: int, quality: int, bass: int | None = None) -> str:
    """A plain figure for a (root pitch class, quality index) pair: (9, QUALITY_INDEX['min7']) -> 'Am7'."""
    text = NOTE_NAMES[root % 12] + QUALITY_SUFFIX[QUALITIES[quality]]
    return text if bass is None or bass % 12 == root % 12 else f"{text}/{NOTE_NAMES[bass % 12]}"


def plain_figure(music21_figure: str) -> str:
    """music21's figure spelling ("B-m7/A-") in lead-sheet spelling ("Bbm7/Ab")."""
    return re.sub(r"(^|/)([A-G])(-+)", lambda m: m.group(1) + m.group(2) + "b" * len(m.group(3)), music21_figure)


def chord_rows(chords) -> "np.ndarray":  # noqa: F821
    """ChordSymbols -> (K, 4) int32 rows (onset, duration, root pitch class, quality index),
    the corpus form. Figures root_and_quality cannot read are left out (as no chord)."""
    import numpy as np

    rows = []
    for chord in chords:
        try:
            root, quality = root_and_quality(chord.figure)
        except ValueError:
            continue
        rows.append((chord.onset, chord.duration, root, quality))
    return np.array(rows, dtype=np.int32).reshape(-1, 4)
