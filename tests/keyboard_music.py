"""Keyboard music the two-hands tests write for themselves: a tune over an Alberti bass, block
chords, an arpeggio and an oom-pah-pah waltz, each as two hands put in one piano track, so the
hand every note came from is known."""

from __future__ import annotations

from composer.music import Note, Score, Voice

Q, E = 480, 240
BAR = 4 * Q
CHORDS = [(48, 4), (53, 4), (55, 4), (48, 4), (45, 3), (50, 3), (55, 4), (48, 4)]  # (root, third): C F G C Am Dm G C
TUNE = [76, 79, 77, 81, 74, 79, 84, 83, 81, 76, 77, 74, 71, 74, 79, 76]  # two half notes a bar


def in_one_track(right: list[Note], left: list[Note]) -> tuple[Score, list[bool]]:
    """The hands' notes in voice 0 of one piano track, and which of them (in score order) the
    left hand played."""
    notes = sorted([*(n.with_(voice=0) for n in right), *(n.with_(voice=0) for n in left)],
                   key=lambda n: (n.onset, n.pitch))
    lefts = {(n.onset, n.pitch) for n in left}
    return Score(notes=notes, voices=[Voice("Piano", 0)]), [(n.onset, n.pitch) in lefts for n in notes]


def tune() -> list[Note]:
    return [Note(p, i * 2 * Q, 2 * Q, 85) for i, p in enumerate(TUNE)]


def alberti() -> list[Note]:
    return [Note(pitch, b * BAR + k * E, E - 10, 60)
            for b, (root, third) in enumerate(CHORDS) for k, pitch in enumerate([root, root + 7, root + third, root + 7] * 2)]


def arpeggio() -> list[Note]:
    """Up and down an octave and a half each bar (C3 G3 C4 E4 G4 E4 C4 G3): the left hand
    reaches G4, a third under the tune."""
    return [Note(pitch, b * BAR + k * E, E - 10, 60) for b, (root, third) in enumerate(CHORDS)
            for k, pitch in enumerate([root, root + 7, root + 12, root + 12 + third, root + 19,
                                       root + 12 + third, root + 12, root + 7])]


def waltz() -> tuple[list[Note], list[Note]]:
    """3/4: a bass note on one, a chord in the middle register on two and three (oom-pah-pah),
    under a tune that holds a dotted half in most bars."""
    bar = 3 * Q
    left, right = [], []
    for b, (root, third) in enumerate(CHORDS * 2):
        t = b * bar
        left.append(Note(root - 12, t, Q - 20, 70))
        chord = sorted(55 + (root + i - 55) % 12 for i in (third, 7))
        left += [Note(p, t + beat * Q, Q - 40, 55) for beat in (1, 2) for p in chord]
        if b % 2:
            right += [Note(TUNE[b % 16], t, 2 * Q, 85), Note(TUNE[(b + 1) % 16], t + 2 * Q, Q, 85)]
        else:
            right.append(Note(TUNE[b % 16], t, 3 * Q - 10, 85))
    return right, left


def block_chords() -> list[Note]:
    return [Note(root + i, b * BAR + beat * Q, Q - 20, 65)
            for b, (root, third) in enumerate(CHORDS) for beat in range(4) for i in (0, third, 7)]


# A soprano of quarters that never repeats a pitch, over C F G C Am Dm G C
SOPRANO = [72, 74, 76, 79, 81, 77, 76, 74, 71, 74, 79, 77, 76, 72, 74, 76,
           72, 69, 71, 72, 74, 77, 76, 74, 71, 74, 72, 71, 72, 76, 74, 72]


def hymn() -> tuple[list[Note], list[Note]]:
    """Four-part chords on every quarter: the soprano (the tune), alto and tenor in the right hand,
    each the chord tone at least a minor third under the one above; the bass's root in the left."""
    right, left = [], []
    for i, soprano in enumerate(SOPRANO):
        root, third = CHORDS[i // 4]
        tones = {root % 12, (root + third) % 12, (root + 7) % 12}
        alto = next(p for p in range(soprano - 3, 0, -1) if p % 12 in tones)
        tenor = next(p for p in range(alto - 3, 0, -1) if p % 12 in tones)
        right += [Note(p, i * Q, Q - 10, 75) for p in (soprano, alto, tenor)]
        left.append(Note(root - 12 * (i % 2 == 0), i * Q, Q - 10, 75))
    return right, left


def ballad() -> tuple[list[Note], list[Note]]:
    """A tune of half notes over whole-bar chords, root and fifth low, the third an octave up."""
    right = [Note(p, i * 2 * Q, 2 * Q - 10, 85) for i, p in enumerate(TUNE)]
    left = [Note(p, b * BAR, BAR - 10, 60) for b, (root, third) in enumerate(CHORDS)
            for p in (36 + root % 12, 43 + root % 12, root + third)]
    return right, left
