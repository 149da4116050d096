"""A chorale on two staves (soprano and alto in one part, tenor and bass in the other), filled
and continued: its parts keep out of parallel fifths and octaves as its own chords do
(composer.model.voice_leading). QA qa27 H4: 25 parallels in 32 new chords of a played hymn's
continuations; the QA's hymn, 3 seeds x (fill + continuation) x 2 variations, 33 before, 18 now;
this chorale's, 12 of 32 moves before, 5 now."""

from __future__ import annotations

import itertools
import random

import numpy as np

from composer.music import Note, Score, Voice
from composer.request import continue_request, fill_request

Q, BAR = 480, 1920
# I IV V I | vi ii V I | IV I V vi | IV V I I (root pitch class, triad)
PROGRESSION = [0, 5, 7, 0, 9, 2, 7, 0, 5, 0, 7, 9, 5, 7, 0, 0]
MINOR = {9, 2, 4}
RANGES = ((60, 76), (55, 69), (48, 64), (36, 52))  # S A T B


def _triad(root: int) -> set[int]:
    return {root % 12, (root + (3 if root in MINOR else 4)) % 12, (root + 7) % 12}


def _voicings(root: int) -> list[tuple[int, ...]]:
    tones = _triad(root)
    options = [[p for p in range(lo, hi + 1) if p % 12 in tones] for lo, hi in RANGES]
    return [v for v in itertools.product(*options)
            if v[0] > v[1] > v[2] > v[3] and v[3] % 12 == root and set(p % 12 for p in v) == tones
            and v[0] - v[1] <= 12 and v[1] - v[2] <= 12]


def _parallel(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return any(a[i] != b[i] and a[j] != b[j] and (a[i] - a[j]) % 12 in (0, 7) and (a[i] - a[j]) % 12 == (b[i] - b[j]) % 12
               for i in range(4) for j in range(i + 1, 4))


def chorale() -> list[tuple[int, ...]]:
    """The progression voiced with the least motion and no parallel fifths or octaves (Viterbi)."""
    layers = [_voicings(r) for r in PROGRESSION]
    cost = {v: 0.0 for v in layers[0] if v[0] == 64}  # (the soprano starts on E4)
    paths = {v: [v] for v in cost}
    for layer in layers[1:]:
        new_cost, new_paths = {}, {}
        for v in layer:
            best = min(((c + sum(abs(x - y) for x, y in zip(u, v)), u) for u, c in cost.items() if not _parallel(u, v)),
                       default=None)
            if best is not None:
                new_cost[v], new_paths[v] = best[0], paths[best[1]] + [v]
        cost, paths = new_cost, new_paths
    return paths[min(cost, key=cost.get)]


def played_chorale(seed: int = 5) -> Score:
    rng = random.Random(seed)
    notes = []
    for i, chord in enumerate(chorale()):
        onset = i * 2 * Q + rng.randint(-12, 12)
        for k, p in enumerate(chord):
            notes.append(Note(p, max(0, onset + rng.randint(0, 8)), 2 * Q - 40, 70, 0 if k < 2 else 1))
    return Score(notes=sorted(notes, key=lambda n: (n.onset, n.pitch)), voices=[Voice("Upper", 19), Voice("Lower", 19)])


def test_the_test_chorale_keeps_the_rule():
    voiced = chorale()
    assert len(voiced) == 16 and not any(_parallel(a, b) for a, b in zip(voiced, voiced[1:]))


def test_a_chorale_s_voice_leading_rule_is_kept_where_its_context_keeps_it():
    from composer.model.voice_leading import JOIN_PENALTY, PARALLEL_PENALTY, parallel_guard_of

    score = played_chorale()
    rows = np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in score.notes])
    lower = rows[rows[:, 4] == 1]
    guard = parallel_guard_of(lower, rows, 1, 10 * 48, 12 * 48)
    assert guard is not None
    # tenor and bass on G3 G2 (an octave), then a chord whose tenor is A3: a bass on A2 moves in octaves
    prior = guard.prior([(10 * 48 - 24, 55), (10 * 48 - 24, 43), (10 * 48, 57)], 10 * 48, 2)
    assert prior[45, 0] == -PARALLEL_PENALTY and prior[41, 0] == 0 and prior[53, 0] == 0
    # the move into a continuation's first chord from the context's last (tenor G3 over bass C3, a
    # fifth): a tenor on A3 leaves D3 no place (a fifth again), at JOIN_PENALTY (qa28: half the
    # parallels left were at the joins); once inside, the region's own chords are the ones before
    end = 16 * 2 * Q // 40  # (grid units: the chorale's end)
    guard = parallel_guard_of(lower, rows, 1, end, None)
    assert guard.before == ((end - 24, 55), (end - 24, 48))
    join = guard.prior([(end, 57)], end, 1)
    assert join[50, 0] == -JOIN_PENALTY and join[53, 0] == 0 and join[45, 0] == 0
    assert guard.prior([(end, 57), (end, 50), (end + 24, 59)], end + 24, 1)[52, 0] == -PARALLEL_PENALTY
    # root-position triads moving by step in parallel (a pop left hand) keep no such rule
    triads = np.array([(i * Q, Q, p, 70, 1) for i in range(16) for p in (48 + 2 * (i % 4), 52 + 2 * (i % 4),
                                                                        55 + 2 * (i % 4))])
    assert parallel_guard_of(triads, triads, 1, 16 * 12, None) is None


def test_a_chorale_is_filled_and_continued_with_few_parallels(cowriter):
    score = played_chorale()
    moves = parallels = 0
    for seed in (1, 2):
        for request in (fill_request(score, 4 * BAR, 6 * BAR, variations=2, seed=seed),
                        continue_request(score, bars=2, variations=2, seed=seed)):
            for variation in cowriter.generate(request):
                new = [n for n in variation.notes if n.generated]
                chords: dict[int, list[int]] = {}
                for n in variation.notes:
                    if min(m.onset for m in new) - 2 * Q <= n.onset <= max(m.onset for m in new):
                        chords.setdefault((n.onset + 30) // 120, []).append(n.pitch)
                four = [tuple(sorted(p, reverse=True)) for _, p in sorted(chords.items()) if len(p) == 4]
                moves += len(four) - 1
                parallels += sum(_parallel(a, b) for a, b in zip(four, four[1:]))
    assert moves >= 30 and parallels <= 0.2 * moves, (parallels, moves)
