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


def test_training_contexts_are_cut_to_the_ladder_from_their_oldest_notes():
    from composer.model.dataset import CONTEXT_LADDER, build_example, to_context_ladder
    from composer.model.encoding import encode

    notes = two_voice_piece()
    steps = encode(notes, bar_length=48)
    start = int(steps.onset[150])
    example = build_example(steps, start=start, end=None, voices={0, 1}, style=1, bar=48, max_context=100)
    assert len(example.src) == 101 and 101 not in CONTEXT_LADDER
    cut = to_context_ladder(example)
    assert len(cut.src) == 96  # the next rung down
    assert (cut.src[0] == example.src[0]).all()  # BOS stays
    assert (cut.src[1:] == example.src[-95:]).all() and (cut.src_succ[1:] == example.src_succ[-95:]).all()
    assert (cut.dec_in == example.dec_in).all() and (cut.targets == example.targets).all()
    # A context whose notes before the region are too few to reach a rung stays as it is.
    fill = build_example(steps, start=int(steps.onset[4]), end=int(steps.onset[4]) + 96, voices={0}, style=1,
                         bar=48, max_context=100)
    assert to_context_ladder(fill) is fill or len(to_context_ladder(fill).src) in CONTEXT_LADDER


def test_training_batches_have_fewer_context_lengths_on_the_ladder():
    from composer.model.dataset import CONTEXT_LADDER, to_context_ladder

    piece = make_piece(two_voice_piece(), style=1)
    sampler = RegionSampler([piece], transpose=0)
    rng = np.random.default_rng(3)
    examples = [e for e in (sampler.example(piece, rng, 128) for _ in range(64)) if e is not None]
    free = {len(e.src) for e in examples}
    cut = [to_context_ladder(e) for e in examples]
    assert len({len(e.src) for e in cut}) < len(free) / 2
    assert np.mean([len(e.src) in CONTEXT_LADDER for e in cut]) > 0.7
    assert all(len(c.src) <= len(e.src) and len(c.targets) == len(e.targets) for c, e in zip(cut, examples))


def style_shares(pieces, balance: float) -> dict[int, float]:
    sampler = RegionSampler(pieces, style_balance=balance, transpose=0, batch_size=8)
    rng = np.random.default_rng(0)
    drawn = np.concatenate([np.repeat([p.style for p in sampler.pieces], sampler._counts(rng)) for _ in range(200)])
    return {style: float(np.mean(drawn == style)) for style in np.unique(drawn)}


def test_style_balance_gives_small_styles_more_examples_and_leaves_drums_their_share():
    rng = np.random.default_rng(3)

    def tune(style: int, drums: bool = False):
        notes = np.array([(i * 12, 12, (38 if drums else 60) + int(rng.integers(0, 7)), 80, 0) for i in range(40)])
        return make_piece(notes, style=style, drum_voices=(0,) if drums else ())

    pieces = [tune(1) for _ in range(36)] + [tune(2) for _ in range(4)] + [tune(3, drums=True) for _ in range(10)]
    corpus = style_shares(pieces, 1.0)
    assert abs(corpus[2] - 4 / 50) < 1e-9 and abs(corpus[3] - 10 / 50) < 1e-9  # as in the corpus
    balanced = style_shares(pieces, 0.5)
    # Among the 40 pitched pieces, sqrt(36) : sqrt(4) = 6 : 2, so the small style has a quarter of their share.
    assert abs(balanced[2] - 0.8 * 2 / 8) < 0.01 and abs(balanced[1] - 0.8 * 6 / 8) < 0.01
    assert abs(balanced[3] - 10 / 50) < 0.01  # drum kits keep theirs
    # The examples per epoch stay the same.
    assert RegionSampler(pieces, style_balance=0.5).steps_per_epoch() == RegionSampler(pieces).steps_per_epoch()


def test_restatement_pieces_state_a_phrase_again_as_is_or_transposed():
    from composer.model.dataset import restatement_piece

    rng = np.random.default_rng(5)
    transposed = exact = 0
    for _ in range(40):
        piece = restatement_piece(rng)
        pitches = piece.notes[:, 2]
        assert piece.style == 0 and len(piece.voices) == 1 and np.all(np.diff(piece.notes[:, 0]) > 0)
        # the phrase (its first 8-16 notes) comes again later: as is, or moved by one interval
        length = next((n for n in range(8, 17) if len(pitches) >= 2 * n and np.array_equal(
            np.diff(pitches[:n]), np.diff(pitches[n:2 * n]))), None)  # (None: other notes came first)
        if length is not None:
            shift = int(pitches[length] - pitches[0])
            exact += shift == 0
            transposed += shift != 0
    assert exact > 10 and transposed > 3


def test_a_share_of_examples_are_restatements():
    pieces = [make_piece(two_voice_piece(), style=1) for _ in range(64)]
    sampler = RegionSampler(pieces, restatements=0.25, transpose=0, batch_size=64)
    batch = next(sampler.batches(np.random.default_rng(0)))
    share = float((batch.style == 0).float().mean())  # restatements are neutral; style dropout 10 %
    assert 0.2 < share < 0.5
    plain = next(RegionSampler(pieces, transpose=0, batch_size=64, style_dropout=0.0).batches(np.random.default_rng(0)))
    assert float((plain.style == 0).float().mean()) == 0.0
