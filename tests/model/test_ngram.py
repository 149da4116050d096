import math

import numpy as np
import pytest

from composer.model.ngram import NGram, fit_best_order


def test_distribution_is_a_distribution_for_any_history():
    model = NGram(vocab=12, order=4).fit([[0, 2, 4, 5, 7, 5, 4, 2, 0] * 3, [7, 7, 9, 7, 5, 4]])
    for history in ([], [0], [0, 2, 4], [11, 11, 11], [4, 2, 0, 2, 4, 5]):
        probs = model.distribution(history)
        assert probs.shape == (12,)
        assert np.all(probs > 0)  # never infinite surprise
        assert probs.sum() == pytest.approx(1.0)


def test_higher_orders_learn_a_deterministic_pattern():
    seq = [0, 2, 4, 5, 7, 5, 4, 2] * 20
    uni, tri = NGram(12, 1).fit([seq]), NGram(12, 3).fit([seq])
    assert tri.nll([seq], start=3)[0] < 0.3 * uni.nll([seq], start=3)[0]
    assert np.argmax(tri.distribution([4, 5])) == 7
    assert np.argmax(tri.distribution([7, 5])) == 4  # context decides, not frequency


def test_order_is_chosen_on_validation():
    rng = np.random.default_rng(0)
    noise = [list(rng.integers(0, 12, 200)) for _ in range(5)]
    model = fit_best_order(12, noise[:4], noise[4:], orders=range(1, 5))
    assert model.order == 1  # random data: longer contexts only overfit
    pattern = [[0, 2, 4, 5, 7, 5, 4, 2] * 10]
    assert fit_best_order(12, pattern, pattern, orders=range(1, 5)).order >= 2
    total, count = model.nll(noise[4:])
    assert math.isfinite(total) and count == 200


def test_counted_ngram_gives_the_same_model_faster_to_fit():
    from composer.model.ngram import fit_best_order_counted

    rng = np.random.default_rng(1)
    walk = lambda n: list(np.clip(60 + np.cumsum(rng.integers(-2, 3, n)), 50, 70))  # noqa: E731
    train, valid = [walk(int(rng.integers(5, 120))) for _ in range(60)], [walk(40) for _ in range(8)]
    slow, fast = fit_best_order(128, train, valid), fit_best_order_counted(128, train, valid)
    assert slow.order == fast.order
    for seq in valid[:3]:
        for i in range(len(seq)):
            assert fast.distribution(seq[:i]) == pytest.approx(slow.distribution(seq[:i]))
