"""A line beside other parts recalls its own phrases (composer.model.priors.recalled_note, mixed
into the sampler's distributions): a random 16-note phrase stated three times over a bass line
came back at 12-31 % of its notes (alone, the model restates it note for note), because the model
reads the voices interleaved. Unit tests, and the shipped model on pieces written here."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from composer.model.priors import RECALL_LONG, RECALL_SHORT, recall_weight, recalled_note
from composer.model.sampling import _mix_recalled
from composer.music import Note, Score, Voice
from composer.request import continue_request

Q = 480
SCALE = [60, 62, 64, 65, 67, 69, 71, 72, 74]


def test_the_note_after_the_longest_earlier_occurrence_is_recalled():
    phrase = [60, 62, 64, 65, 67, 65, 64, 62]
    onsets, pitches = np.arange(24) * 6, np.array(phrase * 3)
    # the latest of the longest: 8 notes back, matched over the 11 notes before it there
    assert recalled_note(onsets[:20], pitches[:20]) == (120, 67, 11, 12)
    assert recalled_note(np.arange(10) * 6, np.arange(60, 70)) is None  # nothing comes round
    rhythm = onsets.copy()
    rhythm[17:] += 3  # the same pitches, another rhythm: 2 notes match since, fewer than 3
    assert recalled_note(rhythm[:20], pitches[:20]) is None
    # within: only what followed among the first `within` notes (the context), not written ones
    assert recalled_note(onsets[:20], pitches[:20], within=12) == (120, 67, 3, 4)
    assert recall_weight(2) == 0 and recall_weight(3) == RECALL_SHORT and recall_weight(6) == RECALL_LONG


def test_the_mixture_keeps_masks_and_sums_to_one():
    logits = torch.tensor([0.0, 1.0, float("-inf"), 2.0])
    mixed = _mix_recalled(logits, 0, 0.8)
    assert torch.isinf(mixed[2]) and abs(float(mixed.exp().sum()) - 1) < 1e-6
    assert float(mixed[0].exp()) > 0.8
    assert torch.equal(_mix_recalled(logits, 2, 0.8), logits)  # a masked note is not recalled
    assert torch.equal(_mix_recalled(logits, 9, 0.8), logits)


def phrase_over_bass(seed: int, company: bool) -> tuple[Score, list[int]]:
    rng = random.Random(seed)
    phrase = [rng.choice(SCALE) for _ in range(16)]  # eighths, two bars
    notes = [Note(p, rep * 8 * Q + i * Q // 2, Q // 2, 90, 0) for rep in range(3) for i, p in enumerate(phrase)]
    if company:
        roots = [48, 43, 45, 41]
        notes += [Note(roots[b % 4] + (7 if beat == 2 else 0), b * 4 * Q + beat * Q, Q, 80, 1)
                  for b in range(6) for beat in range(4)]
    return Score(notes=notes, voices=[Voice("Melody", 73), Voice("Bass", 33)]), phrase


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_phrase_stated_three_times_over_a_bass_is_restated(cowriter, seed):
    score, phrase = phrase_over_bass(seed, company=True)
    variations = cowriter.generate(continue_request(score, (0,), length=16, variations=4, seed=0))
    lines = [[n.pitch for n in sorted((n for n in v.notes if n.generated), key=lambda n: n.onset)]
             for v in variations]
    assert lines[0] == phrase  # (12-31 % of the notes before)
    assert len({tuple(line) for line in lines}) == 4  # the others vary it


def test_a_line_alone_is_left_to_the_model(cowriter, monkeypatch):
    import composer.model.region_writer as region_writer

    seen = []
    real = region_writer.sample_region

    def kept(model, memory, plan, variations, **options):
        seen.append([v.recall for v in plan.voices])
        return real(model, memory, plan, variations, **options)

    monkeypatch.setattr(region_writer, "sample_region", kept)
    alone, _ = phrase_over_bass(0, company=False)
    cowriter.generate(continue_request(alone, (0,), length=4, variations=1, seed=0))
    with_bass, _ = phrase_over_bass(0, company=True)
    cowriter.generate(continue_request(with_bass, (0,), length=4, variations=1, seed=0))
    assert seen[0] == [None] and seen[1][0] is not None
