"""A melody holds long notes where in its phrases its context does (priors.phrase_holds): a tune
of quarters that holds a whole note only at the end of each 4-bar phrase was filled with a whole
note mid-phrase (QA qa15 M5: bars 1-2 in 5 of 12 fills, bars 6-7 in 8 of 12). The shipped model;
the ABC file the test writes."""

from __future__ import annotations

import numpy as np
import pytest

from composer.io import read_score
from composer.model.priors import PHRASE_HOLD_PENALTY, hold_prior, phrase_holds
from composer.request import bar_span, fill_request

TUNE = """X:1
T:Minor with written chords
M:4/4
L:1/4
K:Am
"Am"A c e c|"Dm"d f a f|"E7"e B d B|"Am"A4|"C"c e g e|"G7"d B G B|"E7"E B, D E|"Am"A,4|
"""


def test_the_longest_note_per_bar_of_the_phrase():
    bars = np.array([0, 0, 1, 1, 2, 3, 4, 5, 6, 7])
    lengths = np.array([12, 12, 12, 6, 24, 48, 12, 12, 12, 48])
    holds = phrase_holds(bars, lengths)
    assert list(holds) == [12, 12, 24, 48]
    assert phrase_holds(bars[:6], lengths[:6]) is None  # 4 bars: no phrase told
    prior = hold_prior(holds, 5, np.array([12, 24, 36, 48]))  # bar 5: the phrase's second bar
    assert list(prior) == [0, 0, -PHRASE_HOLD_PENALTY, -PHRASE_HOLD_PENALTY]
    assert not hold_prior(holds, 7, np.array([48])).any()  # its last bar holds, as the context does


@pytest.mark.parametrize("bars", [(1, 2), (6, 7)])
def test_a_fill_mid_phrase_keeps_moving(cowriter, tmp_path, bars):
    path = tmp_path / "minor.abc"
    path.write_text(TUNE)
    score = read_score(str(path))
    held = 0
    for seed in (1, 2):
        for variation in cowriter.generate(fill_request(score, *bar_span(score, *bars), seed=seed, variations=4)):
            held += any(n.duration >= 3 * 480 for n in variation.notes if n.generated)
    # without the phrase kept: 5 and 8 of 12 fills (seeds 1-3) held a note of 3 beats or more; with it 0 of 12
    assert held <= 1
