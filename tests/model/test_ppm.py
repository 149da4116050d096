"""The PPM baseline (composer.model.ppm): probabilities checked by hand on tiny sequences, the
vectorised long-term counts against a sequential update-exclusion PPM, and the short-term model's
memory of a phrase stated five times."""

from __future__ import annotations

import math

import numpy as np
import pytest

from composer.model.ppm import (DynamicCounts, Settings, StaticCounts, ViewpointPPM, blend, blend_all, combine,
                                context_hashes, target_probabilities,
                                fit_viewpoint)
from composer.model.probes import repeated_phrase

TRAIN = [[0, 1, 0, 1, 2], [1, 0, 2]]


def test_update_exclusion_counts_by_hand():
    # Order 0 after [0,1,0,1,2], [1,0,2]: raw counts 3, 3, 2. With update exclusion a symbol is
    # counted at order 0 only when its order-1 context had not seen it (or there is none): 0 is
    # counted at t=0 and t=2 of the first piece (the second 0 follows 1, new for context "1"),
    # not after "1" in the second piece (already seen) -> 2; 1 at t=1 (new after "0") and at the
    # start of the second piece -> 2; 2 twice (new after "1", then new after "0") -> 2.
    levels = StaticCounts.fit(TRAIN, depth=3).lookup([0])
    symbols, raw, excluded = levels[0]
    assert symbols.tolist() == [0, 1, 2] and raw.tolist() == [3, 3, 2] and excluded.tolist() == [2, 2, 2]
    symbols, raw, excluded = levels[1]  # context "0": followed by 1 twice and 2 once
    assert symbols.tolist() == [1, 2] and raw.tolist() == [2, 1]


def test_interpolated_escape_c_probabilities_by_hand():
    ltm = StaticCounts.fit(TRAIN, depth=3)
    # Order bound 1 after "0": order 0 uses the excluded counts {0:2, 1:2, 2:2} (n=6, t=3) over a
    # uniform order -1: (2 + 3/3) / 9 = 1/3 each. Order 1 (the bound: raw counts) {1:2, 2:1}
    # (n=3, t=2): p(1) = (2 + 2/3)/5 = 8/15, p(2) = (1 + 2/3)/5 = 1/3, p(0) = (2/3)/5 = 2/15.
    p = blend(ltm.lookup([0]), 3, 1, ltm.depth)
    assert p == pytest.approx([2 / 15, 8 / 15, 1 / 3])
    # Order bound 0: the raw unigram (3, 3, 2) over uniform: (c + 1) / 11.
    assert blend(ltm.lookup([0]), 3, 0, ltm.depth) == pytest.approx([4 / 11, 4 / 11, 3 / 11])
    # PPM*: after "0, 1, 0" the contexts of order 0-2 saw several symbols; "0, 1, 0" (order 3) saw
    # only 1, so it is the shortest deterministic one: start there (the cap: raw counts), with the
    # excluded counts below: order 1 {1:2, 2:1} as above, order 2 "1, 0" {1:1, 2:1}.
    levels = ltm.lookup([0, 1, 0])
    assert [len(level[0]) for level in levels] == [3, 2, 2, 1]
    order2 = (np.array([2.0, 8.0, 5.0]) / 15 * 2 + np.array([0, 1, 1])) / 4  # {1:1, 2:1} over order 1
    expected = order2 * 1 / 2 + np.array([0, 1, 0]) / 2  # {1:1}: n=1, t=1 at the cap -> raw
    assert blend(levels, 3, None, 3) == pytest.approx(expected)


def test_distributions_are_normalised_and_blend_all_agrees():
    rng = np.random.default_rng(0)
    sequences = [rng.integers(0, 5, rng.integers(1, 30)).tolist() for _ in range(30)]
    ltm = StaticCounts.fit(sequences, depth=4)
    for sequence in sequences[:10]:
        for t in range(len(sequence)):
            levels = ltm.lookup(sequence[:t])
            together = blend_all(levels, 5, [0, 1, 2, 4, None], ltm.depth)
            for order, p in zip([0, 1, 2, 4, None], together):
                assert p.sum() == pytest.approx(1.0) and np.all(p > 0)
                assert blend(levels, 5, order, ltm.depth) == pytest.approx(p)


def test_vectorised_long_term_counts_equal_a_sequential_ppm():
    rng = np.random.default_rng(1)
    sequences = [rng.integers(0, 4, rng.integers(1, 40)).tolist() for _ in range(60)]
    static, dynamic = StaticCounts.fit(sequences, depth=5), DynamicCounts(depth=5)
    for sequence in sequences:
        for t in range(len(sequence)):
            dynamic.add(sequence[:t], sequence[t])
    for sequence in sequences:
        for t in range(len(sequence)):
            a, b = static.lookup(sequence[:t]), dynamic.lookup(sequence[:t])
            assert len(a) == len(b)
            for (s1, r1, e1), (s2, r2, e2) in zip(a, b):
                order = np.argsort(s2)
                assert s1.tolist() == s2[order].tolist()
                assert r1.tolist() == r2[order].tolist() and e1.tolist() == e2[order].tolist()


def test_entropy_weighted_combination():
    sure, unsure = np.array([0.97, 0.01, 0.01, 0.01]), np.full(4, 0.25)
    # b = 0: plain geometric mean; b > 0: the low-entropy model dominates more.
    plain = combine([sure, unsure], 0.0)
    expected = np.sqrt(sure * unsure) / np.sqrt(sure * unsure).sum()
    assert plain == pytest.approx(expected)
    assert combine([sure, unsure], 4.0)[0] > plain[0]
    assert combine([sure, sure], 2.0) == pytest.approx(sure)
    batch = combine([np.stack([sure, unsure]), np.stack([unsure, sure])], 1.0)
    assert batch.shape == (2, 4) and batch[0] == pytest.approx(batch[1])


def test_short_term_model_remembers_a_phrase_stated_five_times():
    pitches = repeated_phrase(statements=5)[:, 2].tolist()
    # Seeded with the first statement: the first repeat's first note is a guess, the rest is memory.
    for order in (8, None):  # a bound, and PPM*
        prediction = ViewpointPPM(128, None, Settings(stm_order=order)).predict(pitches, first=16)
        assert prediction.hit["stm"][1:].mean() >= 0.95
    # With the order bound, every deterministic context above the first one adds its weight: the
    # third to fifth statements are near certain. (PPM* stops at the shortest deterministic context,
    # whose update-excluded count stays 1, so it is right but only ~0.6 sure.)
    bounded = ViewpointPPM(128, None, Settings(stm_order=8)).predict(pitches, first=16)
    assert np.median(bounded.probability["stm"][16:]) > 0.95
    # A model without memory of the order (order 0: frequencies only) cannot do this.
    unigram = ViewpointPPM(128, None, Settings(stm_order=0)).predict(pitches, first=16)
    assert unigram.hit["stm"].mean() < 0.5


def test_orders_and_bias_are_chosen_on_validation():
    rng = np.random.default_rng(2)
    noise = [rng.integers(0, 6, 60).tolist() for _ in range(12)]
    model, report = fit_viewpoint(6, noise[:8], [(s, 8, 40) for s in noise[8:]], ltm_depth=4, stm_depth=4)
    assert report["ltm_order"] in (0, 1)  # random data: longer contexts only overfit
    pattern = [[0, 2, 4, 5, 4, 2] * 6, [5, 4, 2, 0, 2, 4] * 6]
    model, report = fit_viewpoint(6, pattern, [(s, 8, 36) for s in pattern], ltm_depth=4, stm_depth=4)
    assert report["ltm_order"] == "*" or report["ltm_order"] >= 2
    assert math.isfinite(report["validation"]["both_nll"]) and report["bias"] in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0,
                                                                                   4.0, 6.0, 8.0, 12.0, 16.0)
    assert model.predict(pattern[0], 8).probability["both"].mean() > 0.8


def test_interval_viewpoint_recalls_a_transposed_restatement():
    from composer.model.ppm import LinkedPitchPPM, N_INTERVAL, interval_to_pitch, intervals
    from composer.model.probes import TRANSPOSITIONS

    assert intervals([60, 62, 59, 90]).tolist() == [50, 26, 21, 49]  # none, +2, -3, further
    p = interval_to_pitch(np.eye(N_INTERVAL)[26], 60)
    assert p[62] == pytest.approx(1.0)
    pitches = repeated_phrase(transpositions=TRANSPOSITIONS)[:, 2].tolist()
    within = np.ones(64, dtype=bool)
    within[::16] = False  # each restatement's first note picks the new key: not knowable
    cpitch = ViewpointPPM(128, None, Settings(stm_order=8))
    linked = LinkedPitchPPM(cpitch, ViewpointPPM(N_INTERVAL, None, Settings(stm_order=8)), 1.0, 1.0)
    alone, both = cpitch.predict(pitches, 16), linked.predict(pitches, 16)
    assert alone.hit["stm"][within].mean() < 0.5  # absolute pitches: another key is another phrase
    assert both.hit["stm"][within].mean() >= 0.9
    assert np.all(both.probability["both"] == both.probability["stm"])  # no LTM: the STM alone


def test_order_selection_probabilities_equal_the_full_distributions():
    rng = np.random.default_rng(4)
    sequences = [rng.integers(0, 6, rng.integers(1, 40)).tolist() for _ in range(40)]
    ltm, stm = StaticCounts.fit(sequences[:30], depth=5), DynamicCounts(depth=5)
    orders = [0, 1, 3, 5, None]
    for sequence in sequences[30:]:
        for t, target in enumerate(sequence):
            for counts, info in ((ltm, ltm.target_info(sequence[:t], target)),
                                 (stm, stm.target_info(context_hashes(sequence[:t], 5), target))):
                for order, p in zip(orders, target_probabilities(info, 6, orders, 5)):
                    assert p == pytest.approx(blend(counts.lookup(sequence[:t]), 6, order, 5)[target])
                    assert p == pytest.approx(blend(counts.lookup(sequence[:t], order=order), 6, order, 5)[target])
            stm.add(sequence[:t], target)


def test_memory_probe_scores_the_repeats_through_a_scorer():
    from composer.model.ppm import LinkedPitchPPM, N_INTERVAL
    from composer.model.probes import PHRASE_NOTES, memory_probe

    def stm_scorer(pitch_model):
        """score_region's contract, answered by a short-term PPM of the pitches (no model needed)."""
        def score(checkpoint, notes, *, region_start, region_end, voices, **context):
            assert checkpoint == "ckpt" and context["meters"].tolist() == [[0, 4, 4]] and voices == (0,)
            first = int(np.searchsorted(notes[:, 0], region_start))
            hits = pitch_model.predict(notes[:, 2].tolist(), first).hit["stm"]
            return {"pitch": np.zeros(len(hits)), "pitch_correct": hits}
        return score

    plain = ViewpointPPM(128, None, Settings(stm_order=8))
    result = memory_probe("ckpt", scorer=stm_scorer(plain))
    assert result.notes == 4 * PHRASE_NOTES and result.accuracy_within >= 0.95 and result.accuracy >= 0.95
    assert memory_probe("ckpt", transposed=True, scorer=stm_scorer(plain)).accuracy_within < 0.5
    linked = LinkedPitchPPM(plain, ViewpointPPM(N_INTERVAL, None, Settings(stm_order=8)), 1.0, 1.0)
    assert memory_probe("ckpt", transposed=True, scorer=stm_scorer(linked)).accuracy_within >= 0.9


def test_without_validation_notes_the_defaults_are_kept():
    model, report = fit_viewpoint(6, [[0, 1, 2, 3] * 5], [([0, 1], 8, 2)], ltm_depth=3, stm_depth=3)
    assert (report["ltm_order"], report["stm_order"], report["bias"]) == ("*", "*", 1.0)
    assert report["validation"]["notes"] == 0 and report["validation"]["both_nll"] is None
