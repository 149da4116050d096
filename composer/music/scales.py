"""Keys, scales, pitch names and key estimation."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

# Interval patterns (semitones above the tonic) of the scales a key lock can use.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor / aeolian
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "chromatic": tuple(range(12)),
}
_SCALE_ALIASES = {"maj": "major", "ionian": "major", "min": "minor", "aeolian": "minor", "m": "minor"}


def pitch_class_of(name: str) -> int:
    """'C', 'c#', 'Eb', 'F##' -> pitch class 0-11."""
    text = name.strip()
    if not text or text[0].upper() not in _LETTER_PC:
        raise ValueError(f"{name!r} is not a note name (expected e.g. C, F#, Bb)")
    pc = _LETTER_PC[text[0].upper()]
    for accidental in text[1:]:
        if accidental == "#":
            pc += 1
        elif accidental in "b-":
            pc -= 1
        else:
            raise ValueError(f"{name!r} is not a note name (expected e.g. C, F#, Bb)")
    return pc % 12


def note_name(pitch: int) -> str:
    """MIDI pitch -> scientific name, middle C (60) = 'C4'."""
    return f"{PITCH_CLASS_NAMES[pitch % 12]}{pitch // 12 - 1}"


def spelled_name(pitch: int, key: "Key | None") -> str:
    """MIDI pitch -> scientific name spelled in `key`: a black key is a sharp in a key whose
    signature has sharps (D major: 'C#4', 'G#4') and a flat in one with flats (Bb major: 'Db4',
    'Ab4'); white keys keep their letter (a keyboard's F is not written E#); a key without
    sharps or flats (C major, D dorian) or no key names as note_name; a minor key's raised 6th and
    7th are sharps whatever its signature (A minor's F# and G#, D minor's C#). The signature is
    music21's (key_signature_sharps)."""
    sharps = key_signature_sharps(key) if key is not None else 0
    pc = pitch % 12
    if pc in _LETTER_PC.values():
        return note_name(pitch)
    if key is not None and key.scale in _MINORS and (pc - key.tonic) % 12 in (9, 11):
        sharps = 1  # a minor key's raised 6th and 7th are sharps: A minor's G# (was 'Ab'), D minor's C#
    if sharps == 0:
        return note_name(pitch)
    octave = pitch // 12 - 1  # a black key's sharp and flat names share the octave (C#4 = Db4)
    return f"{_PC_LETTER[pc - 1]}#{octave}" if sharps > 0 else f"{_PC_LETTER[(pc + 1) % 12]}b{octave}"


_PC_LETTER = {pc: letter for letter, pc in _LETTER_PC.items()}
_MINORS = ("minor", "harmonic_minor", "melodic_minor")  # the keys whose 6th and 7th are raised with a sharp
# music21's key modes for our scales: a scale not among them is written with its family's signature.
_SIGNATURE_MODE = {"harmonic_minor": "minor", "melodic_minor": "minor", "minor_pentatonic": "minor",
                   "blues": "minor", "major_pentatonic": "major", "chromatic": "major"}


@lru_cache(maxsize=128)
def key_signature_sharps(key: "Key") -> int:
    """Sharps (> 0) or flats (< 0) in the key signature of `key` (music21.key.Key.sharps), its
    tonic spelled as the signature with fewer accidentals has (pitch class 1 major is Db, 5 flats,
    not C#, 7 sharps; on a tie, F# and Eb minor, the PITCH_CLASS_NAMES spelling)."""
    from music21 import key as m21key

    mode = _SIGNATURE_MODE.get(key.scale, key.scale)
    names = [PITCH_CLASS_NAMES[key.tonic]]
    if key.tonic not in _LETTER_PC.values():  # a black key: its other spelling too
        names += [f"{_PC_LETTER[key.tonic - 1]}#", f"{_PC_LETTER[(key.tonic + 1) % 12]}b"]
    signatures = [m21key.Key(name.replace("b", "-"), mode).sharps for name in names]
    return min(signatures, key=abs)  # min keeps the first of a tie: the PITCH_CLASS_NAMES spelling


@dataclass(frozen=True, slots=True)
class Key:
    tonic: int  # pitch class 0-11
    scale: str = "major"

    def __post_init__(self) -> None:
        if not 0 <= self.tonic < 12:
            raise ValueError(f"tonic {self.tonic} is not a pitch class 0-11")
        if self.scale not in SCALES:
            raise ValueError(f"unknown scale {self.scale!r}; choose one of {', '.join(SCALES)}")

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.tonic + step) % 12 for step in SCALES[self.scale])

    def contains(self, pitch: int) -> bool:
        return pitch % 12 in self.pitch_classes

    def __str__(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.tonic]}:{self.scale}"

    @classmethod
    def parse(cls, text: str) -> "Key":
        """'C:major', 'A minor', 'F#:dorian', 'Bbm' -> Key."""
        raw = text.strip()
        for sep in (":", " "):
            if sep in raw:
                tonic, scale = raw.split(sep, 1)
                break
        else:
            if len(raw) > 1 and raw.endswith("m"):  # 'Am', 'Bbm'
                tonic, scale = raw[:-1], "minor"
            else:
                tonic, scale = raw, "major"
        scale = scale.strip().lower().replace(" ", "_").replace("-", "_")
        scale = _SCALE_ALIASES.get(scale, scale)
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r} in {text!r}; choose one of {', '.join(SCALES)}")
        return cls(pitch_class_of(tonic), scale)


# Krumhansl-Kessler key profiles (probe-tone ratings), index 0 = tonic.
_MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
_MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def _correlation(a: list[float], b: tuple[float, ...]) -> float:
    mean_a, mean_b = sum(a) / 12, sum(b) / 12
    num = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b))
    den = math.sqrt(sum((x - mean_a) ** 2 for x in a) * sum((y - mean_b) ** 2 for y in b))
    return num / den if den else 0.0


# A major key and its relative minor hold the same notes, and Krumhansl-Schmuckler tells them
# apart by a few hundredths of correlation: a C major tune (Twinkle) with a bass added that dwelt
# on A read A minor (r 0.871 against 0.829; QA). Within RELATIVE_MARGIN the piece's outer notes
# decide: the lowest note sounding where it begins and where it ends, the tonic a tune opens and
# closes on (the final of modal theory).
RELATIVE_MARGIN = 0.05


def estimate_key(notes: Iterable) -> Key | None:
    """Krumhansl-Schmuckler: correlate the duration-weighted pitch-class histogram with the 24
    major/minor profiles (Krumhansl 1990, *Cognitive Foundations of Musical Pitch*, ch. 4); a major
    key and its relative minor within RELATIVE_MARGIN of each other are told apart by the lowest
    notes at the first and last onsets (one vote each, a tie to the profiles). notes: with pitch,
    onset and duration (composer.music.Note; ticks). Returns None when there are no notes."""
    notes = list(notes)
    histogram = [0.0] * 12
    for note in notes:
        histogram[note.pitch % 12] += note.duration
    if not any(histogram):
        return None
    scores: dict[Key, float] = {}
    for tonic in range(12):
        rotated = histogram[tonic:] + histogram[:tonic]
        for scale, profile in (("major", _MAJOR_PROFILE), ("minor", _MINOR_PROFILE)):
            scores[Key(tonic, scale)] = _correlation(rotated, profile)
    best = max(scores, key=scores.get)  # (the first of equals: dicts keep their order)
    relative = Key((best.tonic + (9 if best.scale == "major" else 3)) % 12,
                   "minor" if best.scale == "major" else "major")
    if scores[best] - scores[relative] > RELATIVE_MARGIN:
        return best
    first, last = min(n.onset for n in notes), max(n.onset for n in notes)
    outer = [min(n.pitch for n in notes if n.onset <= at < n.onset + max(1, n.duration)) % 12 for at in (first, last)]
    votes = sum((pc == relative.tonic) - (pc == best.tonic) for pc in outer)
    return relative if votes > 0 else best


# Scales of a tonic a key lock may settle on once estimate_key has said major or minor: the
# minor key's raised sixth and seventh (E major's G# in A minor, the melodic minor's F#) and the
# modes (D dorian's B natural) are no wrong notes.
_FAMILY = {"major": ("major", "mixolydian", "lydian"),
           "minor": ("minor", "harmonic_minor", "melodic_minor", "dorian", "phrygian")}


# Share of the notes' time by which a mode must hold more than the estimated major key: a passing
# note is no mode. One passing Bb (1 %) in a C major tune that never sounds B had made it C
# mixolydian, and an added harmony part played G minor for its cadence's V (QA qa35); three
# passing Bb eighths in 16 bars are 2.3 % (QA qa36). A minor key takes its raised sixth and
# seventh at no margin: they are the minor key's own (a Greensleeves with 4 beats of G# and 3 of
# G had lost its E major chords at 2 %, QA qa36).
FIT_MARGIN = {"major": 0.04, "minor": 0.0}


def fitted_scale(key: Key | None, notes: Iterable) -> Key | None:
    """The scale of `key`'s tonic, among the seven-note scales of its family (major: major,
    mixolydian, lydian; minor: natural, harmonic and melodic minor, dorian, phrygian), that holds
    the largest share of the notes' duration-weighted pitch classes, by its family's FIT_MARGIN
    more than `key` itself holds (else `key`). A key
    lock on the estimated A minor forbade the G# of the tune's own E major chords, and D minor the
    B naturals of a D dorian tune (Bb chords under them), QA. None stays None."""
    if key is None or key.scale not in _FAMILY:
        return key
    histogram = [0.0] * 12
    for note in notes:
        histogram[note.pitch % 12] += note.duration
    best, best_share = key, sum(histogram[c] for c in key.pitch_classes) + FIT_MARGIN[key.scale] * sum(histogram)
    for scale in _FAMILY[key.scale]:
        candidate = Key(key.tonic, scale)
        share = sum(histogram[c] for c in candidate.pitch_classes)
        if share > best_share:
            best, best_share = candidate, share
    return best


def key_at(keys: Sequence, tick: int) -> Key | None:
    """The key in force at `tick` in a key map (composer.music.score.KeyChange list, sorted by
    tick, as Score keeps it): the last change at or before it, the first before any; None when
    no key is written."""
    if not keys:
        return None
    index = bisect.bisect_right([k.tick for k in keys], tick) - 1
    return keys[max(index, 0)].key
