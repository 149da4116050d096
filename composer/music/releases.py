"""When the co-writer's notes let go: a key is released before it is struck again, and a part
that lets go of each chord before the next lets go of its new chords so too.

The model writes each note's length on its own, before it knows where the part's next note falls:
a jazz left hand of whole-bar shells, continued with a chord on beat 3 as well, held the first
chord through the second and struck its Bb1 and F2 again while they sounded (28 notes struck
while held in 4 continuations, QA qa27 H3). On a keyboard a key must come up before it goes down
again, and in MIDI a second note-on of a sounding key is cut short by the first's note-off on
most synthesizers; a pianist's hand leaves one chord for the next.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

from composer.music.score import Note
from composer.music.strum import STRUM_GAP

# Notes starting this close together, each after the one before, are one chord (played, rolled or
# strummed: composer.music.strum's step).
TOGETHER = STRUM_GAP
# A chord held this far into the next is held through it (legato playing overlaps by less).
HELD_THROUGH = 60
# A part lets go of its chords before the next where at most this share of its context's chords
# is held through the next, over at least MIN_CHORDS of them.
HELD_SHARE = 0.1
MIN_CHORDS = 8


def chord_groups(onsets: Sequence[int]) -> list[list[int]]:
    """Indices of `onsets` (ticks, in time order) grouped into chords: each starting within
    TOGETHER of the one before."""
    groups: list[list[int]] = []
    for i, onset in enumerate(onsets):
        if groups and onset - onsets[groups[-1][-1]] <= TOGETHER:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _chords(notes: Sequence[Note]) -> list[list[Note]]:
    """Notes (of one voice) grouped into chords (chord_groups)."""
    notes = sorted(notes, key=lambda n: n.onset)
    return [[notes[i] for i in group] for group in chord_groups([n.onset for n in notes])]


def lets_go(context: Sequence[Note]) -> bool:
    """Whether a part (its notes, one voice) lets go of each chord before its next one: at most
    HELD_SHARE of its chords sound more than HELD_THROUGH ticks into the next, over MIN_CHORDS."""
    chords = _chords(context)
    if len(chords) < MIN_CHORDS:
        return False
    held = sum(max(n.onset + n.duration for n in chord) > after[0].onset + HELD_THROUGH
               for chord, after in zip(chords, chords[1:]))
    return held <= HELD_SHARE * (len(chords) - 1)


def released(new: Sequence[Note], context: Sequence[Note], drums: frozenset[int] = frozenset()) -> list[Note]:
    """`new` (notes the co-writer wrote) with each note ending where its voice strikes its pitch
    again, and, in a voice whose `context` notes (the score's other notes) let go of each chord
    before the next (lets_go), where its voice's next chord begins. Drum voices (`drums`) keep
    their lengths. Lengths only shorten; the order of `new` is kept."""
    voices = {n.voice for n in new}
    theirs: dict[int, list[Note]] = defaultdict(list)  # (the context of the voices written only)
    for note in context:
        if note.voice in voices:
            theirs[note.voice].append(note)
    by_voice = {v: [*(n for n in new if n.voice == v), *theirs[v]] for v in voices}
    detached = {v: lets_go(theirs[v]) for v in voices}
    starts = {v: [chord[0].onset for chord in _chords(notes)] for v, notes in by_voice.items()}
    # each voice's and pitch's onsets in order (a 512-note context searched whole for every new
    # note took 6 ms a variation)
    struck: dict[tuple[int, int], list[int]] = defaultdict(list)
    for v, notes in by_voice.items():
        for n in notes:
            struck[(v, n.pitch)].append(n.onset)
    for onsets in struck.values():
        onsets.sort()
    out = []
    for note in new:
        if note.voice in drums:
            out.append(note)
            continue
        end = note.onset + note.duration
        again = _first_between(struck[(note.voice, note.pitch)], note.onset, end)
        if detached[note.voice]:
            chord = _first_between(starts[note.voice], note.onset + TOGETHER, end)
            again = chord if again is None else again if chord is None else min(again, chord)
        out.append(note.with_(duration=again - note.onset) if again is not None else note)
    return out


def _first_between(onsets: list[int], after: int, before: int) -> int | None:
    """The first of `onsets` (sorted) strictly between `after` and `before`, or None."""
    i = bisect_right(onsets, after)
    return onsets[i] if i < len(onsets) and onsets[i] < before else None
