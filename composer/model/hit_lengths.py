"""Lengths of written drum hits: each takes the length its drum is written with around it.

A drum hit sounds its own length (a GM kit ignores note-off), so the model's duration head, which
learnt the lengths of pitched notes, wrote hits of half a beat to two beats over a context of
sixteenth-note hi-hats, and hits of one drum overlapped one another (QA qa17 L1: 14-22
same-key overlaps in one 8-bar fill). Those lengths are what the piano roll draws and what a
sampler that honours note-off plays, so a written hit takes its drum's length in the voice's
context (the median of that key's hits, else of the voice's), and ends before the next hit of
the same key.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from statistics import median_low
from typing import Iterable, Sequence

from composer.music.score import Note

DEFAULT_HIT = 120  # ticks (a sixteenth at 480 a quarter): a hit in a drum voice with no context


def drum_hit_lengths(notes: Sequence[Note], context: Iterable[Note], drum_voices: Iterable[int]) -> list[Note]:
    """`notes` (the region's written notes, any voices) with each generated note of a drum voice
    given its drum's length in `context` (ticks; the median of the voice's hits of that key,
    else of all the voice's hits, else DEFAULT_HIT), cut to end by the next hit of the same key
    in the voice (written or context). Other notes are returned unchanged, in the same order."""
    drums = set(drum_voices)
    if not drums or not any(n.voice in drums for n in notes):
        return list(notes)
    context = [n for n in context if n.voice in drums]
    by_key: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_voice: dict[int, list[int]] = defaultdict(list)
    for note in context:
        by_key[note.voice, note.pitch].append(note.duration)
        by_voice[note.voice].append(note.duration)
    onsets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for note in [*context, *(n for n in notes if n.voice in drums)]:
        onsets[note.voice, note.pitch].append(note.onset)
    for key in onsets:
        onsets[key].sort()
    out = []
    for note in notes:
        if note.voice in drums and note.generated:
            lengths = by_key.get((note.voice, note.pitch)) or by_voice.get(note.voice)
            length = median_low(lengths) if lengths else DEFAULT_HIT
            same = onsets[note.voice, note.pitch]
            following = bisect_right(same, note.onset)
            if following < len(same):
                length = min(length, same[following] - note.onset)
            note = note.with_(duration=max(1, length))
        out.append(note)
    return out
