"""An inner voice filled among parts that strike chords together completes their chords
(composer.model.completion). A chorale's alto, filled beside its soprano, tenor and bass, had been
written as a tune: over the soprano, on a tone of the chord at 56 % of beats, the four parts a
complete chord at 28 % (QA qa31). Measured with the shipped model on a 12-bar chorale written here
(seeds 1-3): the alto a chord tone at 138 of 144 beats, the chord complete at 118; bars 5-8 of the
alto 17 -> 41 of 48 complete, of the tenor 17 -> 35."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model import vocab as V
from composer.model.completion import chord_completion, homophonic, neighbours
from composer.music import Note, Score, Voice
from composer.request import bar_span, fill_request

Q = 480
# (soprano, alto, tenor, bass, beats): C major, cadences on I at bars 2 and 4 (half notes) and the end
CHORALE = [(72, 64, 55, 48, 1), (71, 62, 55, 47, 1), (72, 64, 57, 45, 1), (72, 65, 57, 41, 1), (74, 65, 57, 41, 1),
           (74, 67, 59, 43, 1), (76, 67, 60, 48, 2), (76, 69, 60, 45, 1), (76, 67, 59, 40, 1), (77, 69, 60, 41, 1),
           (76, 67, 60, 52, 1), (77, 69, 62, 50, 1), (77, 71, 62, 55, 1), (76, 67, 60, 48, 2), (76, 67, 60, 48, 1),
           (77, 65, 60, 45, 1), (74, 67, 59, 43, 1), (76, 69, 60, 45, 1), (77, 69, 60, 41, 1), (74, 69, 57, 41, 1),
           (74, 67, 59, 43, 2), (76, 69, 60, 45, 1), (77, 69, 60, 41, 1), (77, 69, 57, 38, 1), (77, 67, 55, 47, 1),
           (76, 67, 55, 48, 1), (77, 69, 60, 53, 1), (77, 67, 59, 55, 1), (76, 67, 60, 48, 1), (77, 69, 60, 53, 1),
           (76, 67, 60, 52, 1), (77, 69, 62, 50, 1), (79, 71, 62, 55, 1), (79, 72, 64, 48, 1), (76, 72, 64, 45, 1),
           (79, 71, 62, 47, 1), (79, 72, 64, 48, 1), (77, 69, 60, 53, 1), (77, 69, 62, 53, 1), (77, 71, 62, 55, 2),
           (76, 67, 60, 48, 4)]
TRIADS = [{0, 4, 7}, {2, 5, 9}, {4, 7, 11}, {5, 9, 0}, {7, 11, 2}, {9, 0, 4}, {11, 2, 5}, {7, 11, 2, 5}]


def chorale() -> Score:
    notes, t = [], 0
    for *pitches, beats in CHORALE:
        notes += [Note(p, t, beats * Q - 10, 80, v) for v, p in enumerate(pitches)]
        t += beats * Q
    return Score(notes=notes, voices=[Voice(name, 52) for name in ("Soprano", "Alto", "Tenor", "Bass")])


def chord_of_beat(score: Score, beat: int) -> tuple[set[int], set[int]] | None:
    """(the written chorale's chord there, the four sounding pitch classes) of a beat."""
    written = {p % 12 for n in chorale().notes if n.onset <= beat * Q < n.end for p in [n.pitch]}
    sounding = {n.pitch % 12 for n in score.notes if n.onset <= beat * Q < n.end}
    return written, sounding


@pytest.mark.parametrize("voice,bars", [(1, (1, 12)), (1, (5, 8)), (2, (5, 8))])
def test_an_inner_voice_filled_completes_the_chords(cowriter, voice, bars):
    score = chorale()
    start, end = bar_span(score, *bars)
    score.notes = [n for n in score.notes if not (n.voice == voice and start <= n.onset < end)]
    tones = complete = crossed = total = 0
    for variation in cowriter.generate(fill_request(score, start, end, (voice,), seed=1, variations=2)):
        for beat in range(start // Q, end // Q):
            written, sounding = chord_of_beat(variation, beat)
            chord = next(c for c in TRIADS if written <= c)  # the written chord's triad (or G7)
            mine = [n.pitch for n in variation.notes if n.voice == voice and n.onset <= beat * Q < n.end]
            parts = [max((n.pitch for n in variation.notes if n.voice == v and n.onset <= beat * Q < n.end),
                         default=None) for v in range(4)]
            total += 1
            tones += bool(mine) and mine[0] % 12 in chord
            complete += sounding <= chord and len(sounding & chord) >= 3
            crossed += any(a is not None and b is not None and a < b for a, b in zip(parts, parts[1:]))
    assert tones >= 0.85 * total, (tones, total)
    assert complete >= 0.65 * total, (complete, total)
    assert crossed <= 0.05 * total, (crossed, total)


def rows(notes):
    return np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in notes], dtype=np.int64)


def test_only_an_inner_line_among_chords_struck_together_is_completed():
    score = chorale()
    others = rows([n for n in score.notes if n.voice != 1])
    assert homophonic(others, 0, None)
    assert neighbours(others, 1, rows([])) == (0, 2)  # by the parts' order, top-down
    assert neighbours(others[others[:, 4] != 3], 3, rows([])) == (None, None)  # a part after the others
    soprano = rows([n for n in score.notes if n.voice == 0])
    assert neighbours(rows([n for n in score.notes if n.voice != 0]), 0, soprano)[0] is None  # the tune on top
    assert chord_completion(rows([n for n in score.notes if n.voice != 0]), 0, soprano, 0, None, None) is None
    # a tune over a bass line that does not move with it: nothing struck together
    line = rows([Note(48 + (i % 3), i * Q + Q // 2, Q // 2, 80, 2) for i in range(16)]
                + [Note(72, i * Q, Q // 2, 80, 0) for i in range(16)])
    assert not homophonic(line, 0, None)


def test_the_alto_is_led_to_the_tone_the_others_lack_and_held_into_no_chord_it_is_not_in():
    score = chorale()
    others = rows([n for n in score.notes if n.voice != 1])
    done = chord_completion(others, 1, rows([]), 0, None, frozenset({0, 2, 4, 5, 7, 9, 11}))
    first, grid = done.prior
    # beat 1: C5 G3 C3 lack E: E4 favoured over C4 (a doubled root) and both over D4 (no chord tone)
    assert grid[64, 0] > grid[60, 0] > grid[62, 0]
    assert grid[76, 0] < grid[64, 0] - 5  # E5: the tone lacked, but over the soprano's C5
    step = Q // V.TICKS_PER_GRID
    # a D (of G major, beat 2) ends by beat 3 (A minor); an E (of A minor) by beat 4 (F major); a C
    # of beat 3 is held through beat 4 (F major has it) and ends by beat 5 (D minor)
    assert done.longest(62, step) == step and done.longest(64, 2 * step) == step
    assert done.longest(60, 2 * step) == 2 * step


def test_the_inner_line_moves_in_no_parallel_octaves_or_fifths():
    """From C4 on beat 1 (an octave over the bass's C3 and under the soprano's C5), B3 on beat 2
    would move in octaves with both (B2, B4): it is disfavoured, D4 is not. The QA's chorales had 55
    parallels in 36 fills, now 12."""
    score = chorale()
    done = chord_completion(rows([n for n in score.notes if n.voice != 1]), 1, rows([]), 0, None, None)
    step = Q // V.TICKS_PER_GRID
    guard = done.parallels(60, 0, step, 1)
    assert guard[59, 0] < 0 and guard[62, 0] == 0 and guard[60, 0] == 0  # (held or repeated: no move)
    # ... and in fifths with the part above as with the part below: from F4, a fifth under the
    # soprano's C5, E4 would move in fifths with its B4 (read as a fourth, the guard had let the
    # QA's tenor move A3 Bb3 A3 under the alto's E4 F4 E4); F4 a fourth over the bass's C3 is free
    guard = done.parallels(65, 0, step, 1)
    assert guard[64, 0] < 0 and guard[62, 0] == 0
    # ... a fifth over the part below, as before: from G3 over C3, F#3 over B2 moves in fifths; a
    # fifth's inversion is no fifth the other way (A3 over B2 is a seventh)
    below = done.parallels(55, 0, step, 1)
    assert below[54, 0] < 0 and below[57, 0] == 0


@pytest.mark.parametrize("task", ["fill", "continue"])
def test_a_chorale_written_in_all_its_parts_sounds_chords(cowriter, task):
    """All four parts filled (bars 5-8) or continued (4 bars): written one after another, the inner
    ones complete the chords of those written before them. Before: a triad or seventh chord at 13
    (fill) and 15 (continuation) of 48 beats (seeds 1-3); now 32 and 39."""
    from music21 import chord as m21chord

    from composer.request import continue_request

    score = chorale()
    if task == "fill":
        start, end = bar_span(score, 5, 8)
        requests = [fill_request(score, start, end, seed=seed) for seed in (1, 2)]
    else:
        start, end = score.end, score.end + 4 * 4 * Q
        requests = [continue_request(score, bars=4, seed=seed) for seed in (1, 2)]
    chords = beats = 0
    for request in requests:
        (variation,) = cowriter.generate(request)
        for beat in range(start // Q, end // Q):
            pitches = sorted(n.pitch for n in variation.notes if n.onset <= beat * Q < n.end)
            beats += 1
            if len({p % 12 for p in pitches}) >= 3:
                chord = m21chord.Chord(pitches)
                chords += chord.isTriad() or chord.isSeventh()
    assert chords >= 0.55 * beats, (chords, beats)


def test_an_inner_voice_sings_through_the_chords_the_others_strike(cowriter):
    """A filled alto or tenor is silent at none of the others' onsets (Completion.rests), save
    where they all rest. A chorale's alto or tenor filled over 8 bars had rested a beat 1-2 times
    in a fill: 13 beats over 18 fills of QA qa33's three chorales (seeds 1-3), now 3; here 5 of 222
    onsets before, none now."""
    silent = onsets = 0
    for voice in (1, 2):
        score = chorale()
        start, end = bar_span(score, 1, 10)
        score.notes = [n for n in score.notes if not (n.voice == voice and start <= n.onset < end)]
        for variation in cowriter.generate(fill_request(score, start, end, (voice,), seed=3, variations=3)):
            mine = [n for n in variation.notes if n.voice == voice]
            for tick in sorted({n.onset for n in variation.notes if n.voice != voice and start <= n.onset < end}):
                onsets += 1
                silent += not any(n.onset <= tick < n.end for n in mine)
    assert silent <= 0.01 * onsets, (silent, onsets)
