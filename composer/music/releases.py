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

from collections import defaultdict
from collections.abc import Sequence

from composer.music.score import Note

# Notes starting this close together are one chord (played or rolled: composer.music.strum's step).
TOGETHER = 30
# A chord held this far into the next is held through it (legato playing overlaps by less).
HELD_THROUGH = 60
# A part lets go of its chords before the next where at most this share of its context's chords
# is held through the next, over at least MIN_CHORDS of them.
HELD_SHARE = 0.1
MIN_CHORDS = 8


def _chords(notes: Sequence[Note]) -> list[list[Note]]:
    """Notes (of one voice) grouped into chords: each starting within TOGETHER of the one before."""
    chords: list[list[Note]] = []
    for note in sorted(notes, key=lambda n: n.onset):
        if chords and note.onset - chords[-1][-1].onset <= TOGETHER:
            chords[-1].append(note)
        else:
            chords.append([note])
    return chords


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
    by_voice: dict[int, list[Note]] = defaultdict(list)
    for note in [*new, *context]:
        by_voice[note.voice].append(note)
    detached = {v: lets_go([n for n in context if n.voice == v]) for v in {n.voice for n in new}}
    starts = {v: [chord[0].onset for chord in _chords(notes)] for v, notes in by_voice.items()}
    out = []
    for note in new:
        if note.voice in drums:
            out.append(note)
            continue
        end = note.onset + note.duration
        again = [m.onset for m in by_voice[note.voice] if m.pitch == note.pitch and note.onset < m.onset < end]
        if detached[note.voice]:
            again += [s for s in starts[note.voice] if note.onset + TOGETHER < s < end]
        out.append(note.with_(duration=min(again) - note.onset) if again else note)
    return out
