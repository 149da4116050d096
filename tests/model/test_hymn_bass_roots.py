"""A hymn on one piano, refilled: the left hand opens each bar on the root of the chord the right
hand plays over it, as it does in its context.

QA qa20 4 (re-measured in qa22): a hymn whose left hand plays every bar's root (C2 C3 C2 C3),
refilled for bars 5-8 under planned chords, opened 4 of 12 bars on their chord's root, the first
of them on the G it had held in the bar before in 3 of 3."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.chords import root_and_quality
from composer.request import fill_request

from keyboard_music import BAR, Q

TRIADS = {(0, 4, 7): "", (0, 3, 7): "m"}
NAMES = "C C# D D# E F F# G G# A A# B".split()


PROG = ["C", "Am", "F", "G", "C", "F", "G", "C", "Am", "Dm", "G", "C", "F", "G", "C", "C"]
ROOTS = {"C": 0, "Am": 9, "F": 5, "G": 7, "Dm": 2}
THIRDS = {"C": 4, "Am": 3, "F": 4, "G": 4, "Dm": 3}


def hymn_piano() -> Score:
    """16 bars of four-part chords on every quarter in one piano track: a soprano that moves by
    the chord's tones, alto and tenor the chord tones at least a minor third under the part
    above, and the bass on the root (C2-G2, A1), an octave up on beats 2 and 4 but for G2."""
    notes = []
    for b, name in enumerate(PROG):
        root, third = ROOTS[name], THIRDS[name]
        tones = {root, (root + third) % 12, (root + 7) % 12}
        chord_tones = [p for p in range(69, 85) if p % 12 in tones]
        for i in range(4):
            soprano = chord_tones[(b * 3 + i * 2) % len(chord_tones)]
            alto = next(p for p in range(soprano - 3, 0, -1) if p % 12 in tones)
            tenor = next(p for p in range(alto - 3, 0, -1) if p % 12 in tones)
            bass = 36 + root if root < 8 else 24 + root
            if i % 2 and bass < 43:
                bass += 12
            notes += [Note(p, b * BAR + i * Q, Q - 10, 75) for p in (soprano, alto, tenor, bass)]
    return Score(notes=notes, voices=[Voice("Piano", 0)])


def downbeat_root(notes: list[Note], bar: int) -> int | None:
    """The root of the triad the notes above the lowest sound on the bar's downbeat, if they make one."""
    sounding = sorted(n.pitch for n in notes if n.onset <= bar * BAR < n.end)
    classes = {p % 12 for p in sounding[1:]} | ({sounding[0] % 12} if sounding else set())
    for root in range(12):
        for shape, quality in TRIADS.items():
            if {(root + i) % 12 for i in shape} == classes:
                return root_and_quality(NAMES[root] + quality)[0]
    return None


def test_a_refilled_hymn_stands_its_bars_on_their_roots(cowriter):
    score = hymn_piano()
    assert all(min(n.pitch for n in score.notes if n.onset == b * BAR) % 12 == downbeat_root(score.notes, b)
               for b in range(16))
    rooted = bars = 0
    for variation in cowriter.generate(fill_request(score, 4 * BAR, 8 * BAR, variations=3, seed=1)):
        for b in range(4, 8):
            root = downbeat_root(variation.notes, b)
            lowest = [n.pitch for n in variation.notes if n.onset <= b * BAR < n.end]
            if root is not None and lowest:
                bars += 1
                rooted += min(lowest) % 12 == root
    assert bars >= 9
    # before: 7 of 12 (the bar after the G bar on G2 in 3 of 3); now 11
    assert rooted >= 0.8 * bars, (rooted, bars)
