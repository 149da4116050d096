"""A fill over bars that held music keeps their dynamics (composer.model.dynamics, `replaced`).

Found by QA in the window: a tune p for bars 1-4 and ff from bar 5; filling bars 5-7 wrote a
crescendo from p (the level before the gap) to ff (the level after it), so the rewritten ff bars
came back mezzo-piano to mezzo-forte. Bars that were empty still move from one side to the other."""

from __future__ import annotations

import statistics

from composer.model.dynamics import follow_dynamics
from composer.music import Note, Score, Voice
from composer.request import bar_span, fill_request

Q = 480
BAR = 4 * Q
TUNE = [67, 71, 74, 72, 71, 69, 67, 66]


def melody(levels: list[int]) -> list[Note]:
    """Quarter notes, one bar per entry of `levels` (its velocity), accents on beat 1 (+10)."""
    return [Note(TUNE[(b * 4 + i) % 8], b * BAR + i * Q, Q, level + (10 if i == 0 else 0))
            for b, level in enumerate(levels) for i in range(4)]


def test_written_bars_keep_their_level_and_empty_ones_move_between_the_sides():
    notes = melody([40, 40, 110, 110, 110, 110])
    gap = (2 * BAR, 4 * BAR)
    context = [n for n in notes if not gap[0] <= n.onset < gap[1]]
    replaced = [n for n in notes if gap[0] <= n.onset < gap[1]]
    written = [Note(60, gap[0] + i * Q, Q, 75, generated=True) for i in range(8)]
    kept = follow_dynamics(written, context, start=gap[0], end=gap[1], meters=None, replaced=replaced)
    assert all(abs(a.velocity - b.velocity) <= 5 for a, b in zip(kept, replaced))  # ff, accents and all
    assert kept[0].velocity > kept[1].velocity
    moved = follow_dynamics(written, context, start=gap[0], end=gap[1], meters=None)  # the bars were empty
    assert moved[0].velocity < 70 < 100 < moved[-1].velocity


def test_refilling_ff_bars_keeps_them_ff(cowriter):
    score = Score(notes=melody([40, 40, 40, 40, 110, 110, 110, 110]), voices=[Voice("Flute", 73)])
    start, end = bar_span(score, 5, 7)
    for variation in cowriter.generate(fill_request(score, start, end, variations=2, seed=2)):
        new = [n.velocity for n in variation.notes if n.generated]
        assert len(new) >= 4
        assert statistics.median(new) >= 100, new
