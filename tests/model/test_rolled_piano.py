"""A piano part played with rolled chords, as from a keyboard: a fill keeps the chords around it
whole, and writes its chords rolled as the part rolls them, from the left hand into the right.

QA qa21: MED-1, the roll on bar 8's downbeat started 2 ticks before the fill's end (bars 5-7), so
its bass note was taken as the fill's and deleted, its other four notes kept, and nothing written
in its place; MED-3, the hands were written as two voices and each rolled on its own, so the
bass and the right hand's lowest note struck together in every written chord."""

from __future__ import annotations

import random

from composer.music import Note, Score, Voice
from composer.music.strum import _clusters
from composer.request import fill_request

from keyboard_music import BAR, Q

ROOTS = {"C": (0, 4, 7), "G": (7, 11, 14), "Am": (9, 12, 16), "F": (5, 9, 12)}
SONG = ["C", "G", "Am", "F"] * 4


def rolled_piano() -> tuple[Score, list[Note]]:
    """16 bars of 5-note chords (left-hand root, right-hand triad and root on top), two a bar, each
    rolled from the bass 10-20 ticks a note from a beat played up to 5 ticks early or late; and
    bar 8's first chord, rolled from 2 ticks before its bar line."""
    rng = random.Random(7)
    notes, bar8 = [], []
    for b, name in enumerate(SONG):
        root = ROOTS[name][0]
        pitches = [48 + root] + sorted(60 + x if 60 + x < 72 else 48 + x for x in ROOTS[name]) + [72 + root]
        for half in (0, 2):
            onset = b * BAR + half * Q + rng.randint(-5, 5)
            if (b, half) == (7, 0):
                onset = 7 * BAR - 2
            chord = []
            for pitch in pitches:
                chord.append(Note(pitch, onset, 2 * Q - 30, 70 + rng.randint(-8, 8)))
                onset += rng.randint(10, 20)
            notes += chord
            if (b, half) == (7, 0):
                bar8 = chord
    return Score(notes=notes, voices=[Voice("Piano", 0)]), bar8


def test_a_fill_keeps_the_rolls_around_it_whole_and_rolls_its_own(cowriter):
    score, bar8 = rolled_piano()
    start, end = 4 * BAR, 7 * BAR
    rolls = chords = whole = 0
    for variation in cowriter.generate(fill_request(score, start, end, variations=3, seed=4)):
        kept = [n for n in variation.notes if not n.generated]
        new = [n for n in variation.notes if n.generated]
        # bar 8's roll is the person's, all five notes of it (before: its bass note was lost)
        whole += all(n in kept for n in bar8)
        assert all(start <= n.onset < end for n in new)
        # a written note never cuts off a kept note of its pitch by sounding past its note-on
        for n in new:
            assert not any(k.pitch == n.pitch and n.onset < k.onset < n.end for k in kept), n
        for chord in _clusters(sorted(new, key=lambda n: (n.onset, n.pitch))):
            if len(chord) < 4:
                continue
            chords += 1
            onsets = [n.onset for n in chord]
            # one roll across both hands, from the bass (before: bass and right hand struck together)
            rolls += len(set(onsets)) == len(chord) and min(chord, key=lambda n: n.onset).pitch == min(
                n.pitch for n in chord)
        assert len(new) >= 15
    assert whole == 3
    assert chords >= 9 and rolls >= 0.8 * chords, (rolls, chords)
