"""RegionSampler's task mix: pieces of several voices can be given their own weights, since
accompany examples can only come from them."""

import numpy as np

from composer.model import vocab as V
from composer.model.dataset import RegionSampler, make_piece

VOICE = V.TARGETS.index("voice")


def two_voice_piece() -> np.ndarray:
    rng = np.random.default_rng(1)
    rows = []
    for i in range(160):  # melody in eighths over a bass in quarters
        rows.append((i * 12, 12, 67 + int(rng.integers(-5, 6)), 80, 0))
        if i % 2 == 0:
            rows.append((i * 12, 24, 43 + int(rng.integers(-5, 6)), 70, 1))
    return np.array(rows, dtype=np.int64)


def voices_written(weights, polyphonic_weights) -> list[int]:
    piece = make_piece(two_voice_piece(), style=1)
    sampler = RegionSampler([piece], task_weights=weights, polyphonic_task_weights=polyphonic_weights,
                            melody_probability=0.0, transpose=0)
    rng = np.random.default_rng(0)
    counts = []
    for _ in range(40):
        example = sampler.example(piece, rng, 128)
        if example is not None:
            counts.append(len(np.unique(example.targets[:, VOICE])))
    return counts


def test_polyphonic_weights_decide_the_task_of_a_piece_of_several_voices():
    # Only accompany: every example writes one voice beside the other.
    assert max(voices_written((1.0, 0.0, 0.0), (0.0, 0.0, 1.0))) == 1
    # Only continue (of every voice): most examples write both voices.
    both = voices_written((0.0, 0.0, 1.0), (1.0, 0.0, 0.0))
    assert np.mean(np.array(both) == 2) > 0.8
    # Without polyphonic weights the usual ones apply to it too.
    assert max(voices_written((0.0, 0.0, 1.0), None)) == 1
