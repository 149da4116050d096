"""A later voice of a continuation is written beside every variation of the first voice in one
batched pass, each variation to the end of the span its own first voice set (before, variations
whose melodies ended at different bars were written in one pass each: 2-3 passes for 4)."""

from __future__ import annotations

import composer.model.region_writer as region_writer
from composer.music import Note, Score, Voice
from composer.request import continue_request

Q = 480


def test_the_bass_of_every_variation_in_one_pass_and_within_its_own_span(cowriter, monkeypatch):
    tune = [67, 69, 71, 72, 74, 72, 71, 69] * 4
    melody = [Note(p, i * Q, Q, 90, 0) for i, p in enumerate(tune)]
    bass = [Note(43 if b % 2 == 0 else 38, b * 4 * Q, 2 * Q, 80, 1) for b in range(8)] + \
        [Note(50 if b % 2 == 0 else 45, b * 4 * Q + 2 * Q, 2 * Q, 80, 1) for b in range(8)]
    score = Score(notes=melody + bass, voices=[Voice("melody", 73), Voice("bass", 33)])
    calls = []
    real = region_writer.sample_region

    def counted(model, memory, plan, variations, **options):
        calls.append((variations, plan.row_ends))
        return real(model, memory, plan, variations, **options)

    monkeypatch.setattr(region_writer, "sample_region", counted)
    variations = cowriter.generate(continue_request(score, length=40, variations=4, seed=2))
    bar = 4 * Q
    spans = set()
    for variation in variations:
        tune_end = max(n.end for n in variation.notes if n.generated and n.voice == 0)
        span_end = -(-tune_end // bar) * bar
        spans.add(span_end)
        new_bass = [n for n in variation.notes if n.generated and n.voice == 1]
        assert new_bass and max(n.end for n in new_bass) <= span_end
    assert len(spans) > 1, "the variations' tunes should end at different bars for this test to mean anything"
    assert [c[0] for c in calls] == [4, 4]  # the melody's pass, then the bass beside all four
    assert calls[1][1] is not None and len(set(calls[1][1])) == len(spans)
