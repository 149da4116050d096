"""A keyboard part played with both hands in one track, told apart into its right and left hand.

Most piano MIDI files, and every take played on one MIDI keyboard, hold both hands in one track
and channel. Read as one voice, a tune over an Alberti bass is a single "harmony" line to the
co-writer, which then writes neither hand (QA: the Alberti figure became a repeated middle C in
every variation of a fill). Split, the right hand is a melody and the left hand an accompaniment,
which the co-writer writes as it writes the two staves of a MusicXML piano part.

`split_hands` assigns each note to a hand, onset by onset, the way a pianist's hands move: each
hand has a position (where it last played), the notes struck together are divided at the split
that keeps both hands nearest to where they were and within a hand's span, and a hand's position
follows what it plays. This is the position-tracking view of hand separation in the literature
(cf. Hadjakos et al. 2019, "Detecting hands from piano MIDI data"; Nakamura et al. 2014's
merged-output HMM for the two hands), greedy rather than a full HMM.

`two_handed_voices` says which voices are such parts: a keyboard program (GM pianos and organs)
that no other voice of the score plays (else the hands are in two voices already), no role
given, and notes sounding together that span more than a hand reaches at a good share of its
onsets (block chords in one register are one hand's; a tune alone over two octaves is one line).
`HandsView` is the score with each such voice split, for the co-writer; its `merge` puts
the notes written in the view back into the score's own voices, so the score's parts are never
changed: the split is how the model reads and writes the part, not an edit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby

from composer.music.meter import TICKS_PER_QUARTER
from composer.music.score import Note, Score, united_pedals

# GM programs (0-based) of keyboards played with two hands: pianos 0-7, organs 16-23.
KEYBOARD_PROGRAMS = frozenset([*range(0, 8), *range(16, 24)])
HAND_SPAN = 14  # semitones one hand reaches in a chord (a ninth, a tenth for large hands)
SPAN_COST = 8.0  # cost per semitone of a chord beyond HAND_SPAN in one hand
FOLLOW = 0.1  # how far a hand's position moves towards what it just played (0-1)
RECENT = 4 * TICKS_PER_QUARTER  # how long a hand's notes mark the register it covers (ticks)
TIE_COST = 0.1  # cost per semitone from a hand's position, where both registers hold a note
HOLD_COST = 4.0  # cost of a note struck by a hand that holds an earlier note on
HELD = TICKS_PER_QUARTER // 4  # a note sounding this long after an onset is held through it
MIN_HAND_SHARE = 0.15  # each hand plays at least this share of the notes
MIN_TOGETHER = 0.3  # share of onsets at which a part played with both hands spans more than one


def split_hands(notes: list[Note]) -> list[bool]:
    """Whether each of `notes` (one voice; any order) is played by the left hand, in the order
    given. Onsets are taken in time order; the notes struck at one onset are split by pitch
    (left hand below), at the split that costs least (_Hand.cost: how far each note lies from
    where its hand has been playing, whether that hand is holding a note, and how far a chord
    would stretch it). Two passes: the first starts the hands at the voice's lower and upper
    quartile pitches and finds where each hand sits on average; the second starts them there (an
    oom-pah left hand has most of the notes, so both quartiles lie in its chords). Never raises."""
    if not notes:
        return []
    pitches = sorted(n.pitch for n in notes)
    low_at, high_at = float(pitches[len(pitches) // 4]), float(pitches[(3 * len(pitches)) // 4])
    if high_at - low_at < 2:  # a part in one narrow register: start the hands apart around it
        low_at, high_at = low_at - 6, high_at + 6
    left = _split(notes, low_at, high_at)
    lows = [n.pitch for n, is_left in zip(notes, left) if is_left]
    highs = [n.pitch for n, is_left in zip(notes, left) if not is_left]
    if not lows or not highs:
        return left
    return _split(notes, sum(lows) / len(lows), sum(highs) / len(highs))


def _split(notes: list[Note], low_at: float, high_at: float) -> list[bool]:
    """One pass of split_hands, the hands starting at pitches `low_at` and `high_at`."""
    hands = (_Hand(low_at), _Hand(high_at))
    order = sorted(range(len(notes)), key=lambda i: (notes[i].onset, notes[i].pitch))
    left = [False] * len(notes)
    for onset, group in groupby(order, key=lambda i: notes[i].onset):
        struck = list(group)  # pitch order
        chord = [notes[i] for i in struck]
        for hand in hands:
            hand.forget(onset)
        costs = [hands[0].cost(chord[:k], onset) + hands[1].cost(chord[k:], onset) for k in range(len(chord) + 1)]
        lefts = costs.index(min(costs))  # the lowest notes go to the left hand
        hands[0].play(chord[:lefts])
        hands[1].play(chord[lefts:])
        for i in struck[:lefts]:
            left[i] = True
    return left


class _Hand:
    """Where one hand is: its position (a pitch that follows what it plays, FOLLOW of the way
    each time) and the notes it struck in the last RECENT ticks (the register it is covering:
    an oom-pah left hand covers bass and chord alike)."""

    def __init__(self, at: float):
        self.at = at
        self.recent: list[Note] = []

    def forget(self, onset: int) -> None:
        self.recent = [n for n in self.recent if n.onset > onset - RECENT]

    def cost(self, chord: list[Note], onset: int) -> float:
        """What striking `chord` (pitch order) at `onset` costs this hand, in semitones: each
        note's distance from the register the hand has covered lately (from its position when
        it has rested), TIE_COST of its distance from the position, HOLD_COST a note while the
        hand holds an earlier one well past this onset, and SPAN_COST per semitone of a chord
        wider than HAND_SPAN."""
        if not chord:
            return 0.0
        low = min([self.at, *(n.pitch for n in self.recent)])
        high = max([self.at, *(n.pitch for n in self.recent)])
        holding = any(n.onset < onset and n.end > onset + HELD for n in self.recent)
        cost = SPAN_COST * max(0, chord[-1].pitch - chord[0].pitch - HAND_SPAN)
        for note in chord:
            cost += max(0.0, low - note.pitch, note.pitch - high) + TIE_COST * abs(note.pitch - self.at)
            cost += HOLD_COST if holding else 0.0
        return cost

    def play(self, chord: list[Note]) -> None:
        if chord:
            self.at += FOLLOW * (sum(n.pitch for n in chord) / len(chord) - self.at)
            self.recent += chord


def plays_with_both_hands(notes: list[Note]) -> bool:
    """Whether `notes` (one voice) need two hands: at MIN_TOGETHER of their onsets, the notes
    sounding (struck or held) span more than HAND_SPAN. Block chords in one register are one
    hand's, however they split; a tune over its accompaniment is two."""
    order = sorted(notes, key=lambda n: n.onset)
    sounding: list[Note] = []
    onsets = wide = 0
    for onset, struck in groupby(order, key=lambda n: n.onset):
        sounding = [n for n in sounding if n.end > onset] + list(struck)
        onsets += 1
        pitches = [n.pitch for n in sounding]
        wide += max(pitches) - min(pitches) > HAND_SPAN
    return onsets > 0 and wide >= MIN_TOGETHER * onsets


def two_handed_voices(score: Score) -> dict[int, list[bool]]:
    """The voices of `score` that are one keyboard part played with both hands, each with
    split_hands' answer for its notes (in score.notes order, that voice's notes only)."""
    found: dict[int, list[bool]] = {}
    programs = Counter(v.program for v in score.voices if not v.is_drum)
    for index, voice in enumerate(score.voices):
        if voice.is_drum or voice.role is not None or voice.program not in KEYBOARD_PROGRAMS:
            continue
        if programs[voice.program] > 1:  # the hands in two voices already (two tracks, two staves)
            continue
        notes = [n for n in score.notes if n.voice == index]
        if not plays_with_both_hands(notes):
            continue
        left = split_hands(notes)
        if min(sum(left), len(left) - sum(left)) >= MIN_HAND_SHARE * len(left):
            found[index] = left
    return found


@dataclass
class HandsView:
    """A score with its two-handed keyboard voices split: each keeps its index for the right
    hand, and its left hand is a new voice appended after the score's voices.

    score: the split score; left_of: score voice -> its left hand's voice in the view."""

    score: Score
    left_of: dict[int, int]

    @classmethod
    def of(cls, score: Score, context: Score | None = None) -> "HandsView | None":
        """The view of `score`, or None where no voice is played with both hands. Which voices
        are two-handed is judged on `context` (default: the score): the notes the model is given.
        A part whose notes are all being rewritten shows no hands, and stays one voice."""
        judged = two_handed_voices(score if context is None else context)
        split = {}
        for v, left in judged.items():  # (split again only where the region took notes of the part)
            notes = [n for n in score.notes if n.voice == v]
            split[v] = left if len(notes) == len(left) else split_hands(notes)
        if not split:
            return None
        voices = [replace(v) for v in score.voices]
        left_of: dict[int, int] = {}
        for index in split:
            own = score.voices[index]
            left_of[index] = len(voices)
            voices.append(replace(own, name=f"{own.name} (LH)"))
        seen = {index: iter(left) for index, left in split.items()}
        notes = []
        for note in score.notes:
            if note.voice in seen and next(seen[note.voice]):
                note = note.with_(voice=left_of[note.voice])
            notes.append(note)
        view = score.copy(notes=notes)
        view.voices = voices
        view.pedals = united_pedals([*score.pedals, *(replace(p, voice=left_of[p.voice]) for p in score.pedals
                                                    if p.voice in left_of)])
        return cls(view, left_of)

    def voices(self, voices: tuple[int, ...]) -> tuple[int, ...]:
        """The view's voices for the score's `voices`: a split voice is both its hands."""
        return tuple(sorted({*voices, *(self.left_of[v] for v in voices if v in self.left_of)}))

    def said(self, score: Score, voices: tuple[int, ...]) -> str | None:
        """What to tell the person where `voices` (of `score`, the one this view splits) include a
        part written as two hands; None otherwise."""
        names = [score.voices[v].name for v in sorted(self.left_of) if v in voices]
        if not names:
            return None
        return (f"{', '.join(names)}: both hands play in one track, so the co-writer writes a right and a left "
                "hand (the new notes stay in that track)")

    def merge(self, notes: list[Note]) -> list[Note]:
        """Notes of the view, each put back in the score's voice (a left hand's in its part's)."""
        part_of = {left: part for part, left in self.left_of.items()}
        return [n.with_(voice=part_of[n.voice]) if n.voice in part_of else n for n in notes]
