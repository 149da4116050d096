"""The sampler's shortcuts compute exactly what the plain computations give: the history kept in
preallocated buffers (no concatenation per step), the local code of the latest step alone, and
the score features looked up in tables instead of computed per call, the pitch prior computed
for the drawable pitches alone."""

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.dataset import build_example, collate
from composer.model.encoding import encode
from composer.model.network import LOCAL, NetworkConfig, Seq2Seq
from composer.model.region_writer import ScoreFeatures


def _model_and_batch():
    torch.manual_seed(0)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16)).eval()
    rng = np.random.default_rng(0)
    notes = np.array([(i * 240, 240, int(rng.integers(55, 80)), 90, 0) for i in range(40)])
    steps = encode(notes, bar_length=48)
    examples = [build_example(steps, start=int(steps.onset[k]), end=None, voices={0}, style=1, bar=48, max_context=64)
                for k in (20, 12)]
    return model, collate(examples)


def test_history_buffers_hold_what_concatenation_gave():
    model, batch = _model_and_batch()
    with torch.no_grad():
        memory = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)
        state, history = memory["state"], model.init_history(memory, 32, batch.prefix)
        for t in range(6):
            model.decode_step(batch.dec_in[:, t], memory, state, history)
            model.remember(history, batch.dec_succ[:, t])
            n = history["length"]
            assert torch.equal(model.successors(history), torch.cat([memory["succ"], batch.dec_succ[:, : t + 1]], 1))
            seen = memory["succ"].shape[1] + n
            assert torch.equal(history["all_keys"][:, : memory["mem_keys"].shape[1]], memory["mem_keys"])
            assert torch.equal(history["all_values"][:, : memory["mem_values"].shape[1]], memory["mem_values"])
            assert torch.equal(history["all_valid"][:, :seen],
                               torch.cat([memory["succ_valid"], batch.dec_succ[:, : t + 1, 6] > 0], 1))
            assert not history["all_valid"][:, seen:].any()  # nothing past the steps written is attended


def test_latest_local_code_is_the_last_row_of_local_code():
    model, _ = _model_and_batch()
    rng = np.random.default_rng(1)
    recent = torch.zeros(3, LOCAL, len(V.FEATURES), dtype=torch.long)
    for i, name in enumerate(V.FEATURES):
        recent[..., i] = torch.as_tensor(rng.integers(0, V.FEATURE_SIZES[name], (3, LOCAL)))
    with torch.no_grad():
        assert torch.equal(model._latest_local_code(recent), model.local_code(recent)[:, -1:])


def test_score_features_tables_give_the_computed_features():
    # 4/4 with a pickup bar before 0, then 3/4 from bar 5, then 6/8; two keys; chords with a gap
    meters = np.array([(-480, 4, 4), (4 * 1920 - 480, 3, 4), (4 * 1920 - 480 + 6 * 1440, 6, 8)], dtype=np.int64)
    keys = [(0, "D:major"), (5000, "B:minor")]
    chords = np.array([(0, 1920, 2, 0), (1920, 1920, 7, 0), (5760, 960, 9, 1)], dtype=np.int64)
    rng = np.random.default_rng(2)
    asked = [np.arange(40, 40 + V.N_DELTA), np.array([5]), rng.integers(-200, 3000, 30), np.array([70_000, 3]),
             np.arange(-60, -10), np.array([], dtype=np.int64), np.array([2000, 2000, 1999])]
    features = ScoreFeatures(meters, keys, chords)
    for onsets in asked:
        looked_up, computed = features(onsets), features._compute(onsets)
        assert looked_up.keys() == computed.keys()
        for name in computed:
            assert looked_up[name].dtype == computed[name].dtype, name
            assert np.array_equal(looked_up[name], computed[name]), (name, onsets)
        assert np.array_equal(features.positions(onsets), computed["position"])
    assert features._table is not None and len(features._table["position"]) <= ScoreFeatures.TABLE_LIMIT
    looked_up = features(np.array([7]))
    looked_up["position"][0] = -1  # a caller's array is its own
    assert features(np.array([7]))["position"][0] >= 0


def test_encoder_in_chunks_gives_each_row_what_it_gives_alone(monkeypatch):
    """Without gradients, rows of several lengths run as one batch in time chunks (each row's
    backward direction reversed within its length): bit for bit what each row gives on its own
    (in float32; bfloat16 inference is compared with float32 in test_precision.py)."""
    monkeypatch.setenv("COMPOSER_PRECISION", "float32")
    torch.manual_seed(4)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16)).eval()
    x = torch.randn(5, 23, 32)
    lengths = torch.tensor([23, 9, 17, 9, 1])
    with torch.no_grad():
        out, (h, c) = model._run_encoder(x, lengths)
        for b, n in enumerate(lengths.tolist()):
            alone, (alone_h, alone_c) = model.encoder(x[b : b + 1, :n])
            assert torch.equal(out[b, :n], alone[0]) and not out[b, n:].any()
            assert torch.equal(h[:, b], alone_h[:, 0]) and torch.equal(c[:, b], alone_c[:, 0])


def test_step_tokens_are_match_tokens_of_one_step():
    from composer.model.network import _step_tokens, match_tokens

    rng = np.random.default_rng(5)
    step = torch.zeros(6, len(V.FEATURES), dtype=torch.long)
    for i, name in enumerate(V.FEATURES):
        step[:, i] = torch.as_tensor(rng.integers(0, V.FEATURE_SIZES[name], 6))
    step[2, V.FEATURES.index("pitch")] = 0  # no note (BOS): a token of its own
    assert torch.equal(_step_tokens(step, -7), match_tokens(step[:, None], -7)[:, 0])


def test_match_runs_after_the_prefix_are_those_of_streaming_it_in():
    """init_history computes the match runs of its prefix at once: the same as streaming the
    prefix in note by note (as decode_step streams each input), with repeats so that long and
    capped matches occur, and an empty prefix."""
    from composer.model.network import _DECODER_PAD, match_tokens

    torch.manual_seed(1)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16,
                                  match=4)).eval()
    rng = np.random.default_rng(3)
    phrase = [int(p) for p in rng.integers(55, 60, 5)]
    notes = np.array([(i * 240, 240, phrase[i % 5], 90, 0) for i in range(60)])
    steps = encode(notes, bar_length=48)
    batch = collate([build_example(steps, start=int(steps.onset[k]), end=None, voices={0}, style=1, bar=48,
                                   max_context=64) for k in (40, 3)])
    with torch.no_grad():
        memory = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)
        for prefix in (batch.prefix, batch.prefix[:, :2], batch.prefix[:, :0]):
            history = model.init_history(memory, 8, prefix)
            reference = model.init_history(memory, 8, prefix[:, :0])  # nothing streamed in yet
            reference["stream"] = torch.cat([match_tokens(prefix, _DECODER_PAD), reference["stream"]], 1)
            reference["run_dec"] = torch.zeros_like(history["run_dec"])
            reference["streamed"] = 0
            for i in range(prefix.shape[1]):
                model._advance_match(reference, memory, reference["stream"][:, i])
            assert history["streamed"] == reference["streamed"] == prefix.shape[1]
            for name in ("run_enc", "run_dec", "stream"):
                assert torch.equal(history[name], reference[name]), name
            if prefix.shape[1] == batch.prefix.shape[1]:
                assert int(history["run_enc"].max()) == 4  # capped matches were there


def test_one_memory_row_repeated_as_views_decodes_as_copies_do():
    model, batch = _model_and_batch()
    with torch.no_grad():
        memory = model.encode(batch.src[:1], batch.src_len[:1], batch.style[:1], batch.src_succ[:1])
        views = model.expand_memory(memory, 3)
        copies = {name: tuple(t.repeat_interleave(3, dim=1) for t in value) if name == "state"
                  else value.repeat_interleave(3, dim=0) for name, value in memory.items()}
        outputs = []
        for expanded in (views, copies):
            state, history = expanded["state"], model.init_history(expanded, 8, batch.prefix[:1])
            steps = []
            for t in range(4):
                h, state, w, m = model.decode_step(batch.dec_in[:1, t].repeat(3, 1), expanded, state, history)
                model.remember(history, batch.dec_succ[:1, t].repeat(3, 1))
                steps.append((h, w, m))
            outputs.append(steps)
        for (h, w, m), (h2, w2, m2) in zip(*outputs):
            assert torch.equal(h, h2) and torch.equal(w, w2) and torch.equal(m, m2)


def test_pitch_prior_of_the_drawable_pitches_is_the_full_prior_there():
    """_pitch_priors for the pitches some row can draw gives, there, the numbers of the full
    computation (bit for bit: each entry is reduced by itself) and leaves 0 elsewhere."""
    from composer.model.sampling import _pitch_priors

    rng = np.random.default_rng(3)
    rows, k = 3, 8
    delta = torch.log_softmax(torch.as_tensor(rng.normal(size=(rows, k, V.N_DELTA)), dtype=torch.float32), dim=-1)
    candidates = torch.stack([torch.randperm(V.N_PITCH, generator=torch.Generator().manual_seed(r))[:k]
                              for r in range(rows)])
    prior = torch.as_tensor(rng.normal(size=(rows, V.N_PITCH, V.N_DELTA)), dtype=torch.float32)
    allowed = rng.random((rows, V.N_DELTA)) < 0.6
    same = rng.random((rows, V.N_PITCH)) < 0.5
    drawable = torch.zeros(V.N_PITCH, dtype=torch.bool)
    drawable[[50, 52, 55, 57, 59, 60, 62, int(candidates[0, 0])]] = True
    full = _pitch_priors(delta, candidates, prior, allowed, same)
    part = _pitch_priors(delta, candidates, prior, allowed, same, pitches=drawable)
    assert torch.equal(part[:, drawable], full[:, drawable])
    assert not part[:, ~drawable].any()
    assert full[:, ~drawable].abs().sum() > 0  # (the full prior is not 0 there: the test can fail)


def test_side_gates_are_the_focus_and_match_layers_summed():
    """The gates' focus and match parts of every copied attribute from one stacked product are the
    two layers' outputs summed: with gradients (training), and from the stacked weights a
    sampling run makes once and passes along."""
    model, _ = _model_and_batch()
    with torch.no_grad():
        for layer in list(model.gate_focus.values()) + list(model.gate_match.values()):
            layer.weight.normal_()
            if layer.bias is not None:
                layer.bias.normal_()
    focus, matched = torch.rand(2, 5, 2), torch.rand(2, 5, 3)
    with torch.no_grad():
        stacked = model.side_gate_weights()
    for grad, shared in ((True, None), (False, {"side_weights": stacked})):
        with torch.set_grad_enabled(grad):
            side = model._side_gates(focus, matched, shared)
        for name in model.gate_focus:
            expected = model.gate_focus[name](focus) + model.gate_match[name](matched)
            assert torch.allclose(side[name], expected, atol=1e-6)
            assert side[name].requires_grad == grad


def test_pick_of_rows_whose_likeliest_entry_holds_top_p_is_what_the_full_draw_gives():
    """Where every row's likeliest entry alone holds top_p of the mass, pick returns it without the
    sort and the inverse-CDF draw: the same entries the full draw gives (there, whatever it draws),
    and the generator's stream moves on as it does, so later draws are the same too."""
    from composer.model.sampling import pick

    sure = torch.full((3, 12), -8.0)
    sure[torch.arange(3), torch.tensor([4, 0, 11])] = 6.0  # each ~0.99999 of its row
    unsure = torch.zeros(1, 12)  # uniform: not decided by its likeliest entry alone
    for seed in range(20):
        short, full = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        picked = pick(sure, 1.0, 0.95, short)
        drawn = pick(torch.cat([sure, unsure]), 1.0, 0.95, full)[:3]  # one unsure row: the full draw
        assert picked.tolist() == drawn.tolist() == [4, 0, 11]
        # (the batch of 4 drew 4 numbers, the batch of 3 drew 3: compare the streams per row count)
        again_short, again_full = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        pick(sure, 1.0, 0.95, again_short)
        torch.rand(3, 1, generator=again_full)
        assert torch.equal(torch.rand(5, generator=again_short), torch.rand(5, generator=again_full))
