"""A jazz pianist's left hand of shell voicings (root, third and seventh, no fifth) on a progression
of seventh chords keeps playing shells on the progression's roots when continued or filled.

Read against triads only, the shells made no chord the harmonic rhythm knew (no fit, no root in
the bass) and the piece was not planned (its bars 0.75 on their triads): a continuation played
bare fifths, E2 B2 for 4 bars (3 of 48 new chords shells, 42 with a fifth over the bass, the bass
moving at 4 of 18 bar lines), and a fill beside the tune played F and C major for Dm7 and G7."""

from __future__ import annotations

from itertools import groupby

import numpy as np

from composer.model.harmony_plan import PLAN_FIT, chord_fit, in_sevenths
from composer.model.priors import estimate_chords, harmonic_rhythm_of
from composer.music import Note, Score, Voice
from composer.music.chords import QUALITY_INDEX
from composer.request import continue_request, fill_request

Q, BAR = 480, 1920
# (root pitch class, third, seventh): ii-V-I-VI turnarounds and a minor ii-V
PROGRESSION = [(2, 3, 10), (7, 4, 10), (0, 4, 11), (9, 4, 10), (2, 3, 10), (7, 4, 10), (4, 3, 10), (9, 4, 10),
               (2, 3, 10), (7, 4, 10), (0, 4, 11), (5, 4, 11), (11, 3, 10), (4, 4, 10), (9, 3, 10), (2, 4, 10)]


def shells_piece(seed: int = 3) -> Score:
    """A tune of chord tones in eighths over a left hand of shells struck on beats 1 and 3, voiced
    root-seventh-third and root-third-seventh in turn."""
    rng = np.random.default_rng(seed)
    notes = []
    for b, (root_pc, third, seventh) in enumerate(PROGRESSION):
        t = b * BAR
        root = 36 + root_pc if root_pc <= 7 else 24 + root_pc
        shell = [root, root + seventh, root + 12 + third] if b % 2 == 0 else [root, root + third + 12, root + seventh + 12]
        notes += [Note(p, t + half, 2 * Q - 60, 60, 1) for half in (0, 2 * Q) for p in shell]
        for k in range(8):
            pc = (root_pc + [0, third, 7, seventh][rng.integers(4)]) % 12
            notes.append(Note(60 + pc + (12 if pc < 5 else 0), t + k * Q // 2, 200, 80, 0))
    return Score(notes=notes, voices=[Voice("Melody", 0), Voice("Piano LH", 0)])


def left_hand_chords(notes) -> list[list[int]]:
    new = sorted((n for n in notes if n.generated and n.voice == 1), key=lambda n: (n.onset, n.pitch))
    return [[n.pitch for n in chord] for _, chord in groupby(new, key=lambda n: n.onset)]


def is_shell(chord: list[int]) -> bool:
    over = {(p - chord[0]) % 12 for p in chord}
    return bool(over & {3, 4}) and bool(over & {10, 11}) and 7 not in over


def test_shells_are_a_harmonic_rhythm_of_seventh_chords():
    left = [n for n in shells_piece().notes if n.voice == 1]
    onsets, pitches = np.array([n.onset for n in left]), np.array([n.pitch for n in left])
    found = harmonic_rhythm_of(onsets, pitches, onsets % BAR, np.full(len(left), BAR), 4)
    assert (found.divisions, found.size, found.fit) == (1, 3, 1.0)
    assert found.shells and found.root_bass and found.root_onsets
    # a left hand of triads is no shells
    triads = [Note(48 + (b % 4) * 2 + i, b * BAR + h, 2 * Q, 60) for b in range(8) for h in (0, 2 * Q) for i in (0, 4, 7)]
    onsets, pitches = np.array([n.onset for n in triads]), np.array([n.pitch for n in triads])
    assert not harmonic_rhythm_of(onsets, pitches, onsets % BAR, np.full(len(triads), BAR), 4).shells


def test_a_piece_of_seventh_chords_is_read_in_seventh_chords():
    left = [n for n in shells_piece().notes if n.voice == 1]
    args = [np.array([getattr(n, a) for n in left]) for a in ("onset", "duration", "pitch")]
    triads = estimate_chords(*args, None)
    sevenths = estimate_chords(*args, None, sevenths=True)
    assert chord_fit(triads, *args) < PLAN_FIT <= chord_fit(sevenths, *args) and in_sevenths(*args, None)
    assert [tuple(r) for r in sevenths[:3, 2:4].tolist()] == [
        (2, QUALITY_INDEX["min7"]), (7, QUALITY_INDEX["dom7"]), (0, QUALITY_INDEX["maj7"])]
    # plain triads stay triads
    block = [Note(48 + (b % 4) * 2 + i, b * BAR, BAR, 60) for b in range(8) for i in (0, 4, 7)]
    args = [np.array([getattr(n, a) for n in block]) for a in ("onset", "duration", "pitch")]
    assert not in_sevenths(*args, None)
    assert set(estimate_chords(*args, None, sevenths=True)[:, 3].tolist()) <= {QUALITY_INDEX["maj"], QUALITY_INDEX["min"]}


def test_the_left_hand_goes_on_in_shells_on_the_roots(cowriter):
    piece = shells_piece()
    shells = fifths = moves = bar_lines = total = 0
    for seed in (1, 2, 3):
        for variation in cowriter.generate(continue_request(piece, None, bars=4, variations=2, seed=seed)):
            chords = left_hand_chords(variation.notes)
            total += len(chords)
            shells += sum(is_shell(c) for c in chords)
            fifths += sum(7 in {(p - c[0]) % 12 for p in c} for c in chords)
            firsts = [c[0] % 12 for c in chords[::2]]  # (two a bar)
            moves += sum(a != b for a, b in zip(firsts, firsts[1:]))
            bar_lines += len(firsts) - 1
    # before: 3 of 48 shells, 42 with a fifth over the bass, the bass moving at 4 of 18 bar lines; now 43, 0, 16
    assert total >= 40 and shells >= 0.75 * total and fifths <= 0.1 * total, (shells, fifths, total)
    assert moves >= 0.7 * bar_lines, (moves, bar_lines)


def test_a_filled_left_hand_plays_shells_beside_the_tune(cowriter):
    piece = shells_piece()
    chords = [c for seed in (1, 2) for v in cowriter.generate(fill_request(piece, 4 * BAR, 8 * BAR, (1,), variations=2,
                                                                             seed=seed))
              for c in left_hand_chords(v.notes)]
    # before: 0 of 32 shells, 11 with a fifth over the bass; now 22 and 0
    assert len(chords) >= 24 and sum(map(is_shell, chords)) >= 0.5 * len(chords)
    assert sum(7 in {(p - c[0]) % 12 for p in c} for c in chords) <= 2


def test_only_a_part_striking_seventh_chords_makes_the_piece_one_of_seventh_chords():
    from composer.model.encoding import notes_to_array
    from composer.model.region_writer import _sevenths

    shells = notes_to_array(shells_piece().notes)
    assert _sevenths(shells, None, None)
    # two triads a bar in a left hand (C and F read as Fmaj7, C and Am as Am7: one chord a bar)
    halves = [(0, 4), (5, 4), (7, 4), (0, 4), (9, 3), (2, 3), (7, 4), (0, 4)] * 2
    twice = [Note(48 + root + i, h * 2 * Q, 2 * Q, 60, 1) for h, (root, third) in enumerate(halves)
             for i in (0, third, 7)]
    assert not _sevenths(notes_to_array(twice), None, None)
    # a tune alone, its passing notes covered better by four-note templates
    tune = [n for n in shells_piece().notes if n.voice == 0]
    assert not _sevenths(notes_to_array(tune), None, None)
