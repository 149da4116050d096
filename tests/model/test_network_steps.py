"""The step-by-step decoder used for sampling computes exactly what the teacher-forced decoder
used in training computes (LSTM, encoder attention, history attention, copy distributions)."""

import numpy as np
import pytest
import torch

from composer.model import vocab as V
from composer.model.dataset import build_example, collate
from composer.model.encoding import encode
from composer.model.network import NetworkConfig, Seq2Seq


@pytest.fixture(autouse=True)
def float32(monkeypatch):
    """Exactness is a float32 claim: the LSTMs' bfloat16 inference (composer.model.precision)
    rounds the two paths' matrix products differently (tests/model/test_precision.py)."""
    monkeypatch.setenv("COMPOSER_PRECISION", "float32")


def test_decode_step_matches_teacher_forced_decode():
    torch.manual_seed(0)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16)).eval()
    rng = np.random.default_rng(0)
    notes = np.array([(i * 240, 240, int(rng.integers(55, 80)), 90, 0) for i in range(40)])
    steps = encode(notes, bar_length=48)
    example = build_example(steps, start=int(steps.onset[20]), end=None, voices={0}, style=1, bar=48, max_context=64)
    batch = collate([example])
    with torch.no_grad():
        memory = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)
        hidden, weights, matched = model.decode(batch.dec_in, memory, batch.dec_succ, batch.prefix)
        succ = torch.cat([memory["succ"], batch.dec_succ], dim=1)
        full = model.logits(hidden, batch.targets, batch.ref, weights, succ, matched)
        state, history = memory["state"], model.init_history(memory, 32, batch.prefix)
        for t in range(batch.dec_in.shape[1]):
            h, state, w, m = model.decode_step(batch.dec_in[:, t], memory, state, history)
            assert torch.allclose(h, hidden[:, t], atol=1e-5)
            assert torch.allclose(w, weights[:, t, : w.shape[-1]], atol=1e-5)
            step_succ = torch.cat([memory["succ"], history["succ"][:, : history["length"]]], dim=1)
            pitch = model.head_logprobs(1, (h + model.condition[0](batch.targets[:, t, 0]))[:, None], w[:, None],
                                        step_succ, batch.ref[:, t : t + 1], m[:, None])[:, 0]
            assert torch.allclose(pitch, full[1][:, t], atol=1e-4)
            model.remember(history, batch.dec_succ[:, t])
    assert history["length"] == batch.dec_in.shape[1]
    assert all(torch.allclose(lp.exp().sum(-1), torch.ones(1), atol=1e-4) for lp in full)
    assert V.TARGETS[1] == "pitch"


def test_match_lengths_are_the_same_step_by_step_as_teacher_forced():
    """With the match-length bonus switched on (random tables) and a repeated phrase, so that long
    matches occur, both against the context and within the notes being written."""
    torch.manual_seed(1)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16)).eval()
    with torch.no_grad():
        model.match_interval.normal_(0, 2.0)
        model.match_full.normal_(0, 2.0)
        model.match_pitch.normal_(0, 2.0)
    rng = np.random.default_rng(1)
    phrase = [int(p) for p in rng.integers(55, 80, 12)]
    notes = np.array([(i * 240, 240, phrase[i % 12] + (5 if i >= 36 else 0), 90, 0) for i in range(80)])
    steps = encode(notes, bar_length=48)
    examples = [build_example(steps, start=int(steps.onset[k]), end=None, voices={0}, style=1, bar=48, max_context=64,
                              max_targets=30) for k in (30, 6)]
    batch = collate(examples)
    with torch.no_grad():
        memory = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)
        hidden, weights, matched = model.decode(batch.dec_in, memory, batch.dec_succ, batch.prefix)
        state, history = memory["state"], model.init_history(memory, 32, batch.prefix)
        for t in range(batch.dec_in.shape[1]):
            h, state, w, m = model.decode_step(batch.dec_in[:, t], memory, state, history)
            assert torch.allclose(w, weights[:, t, : w.shape[-1]], atol=1e-5)
            assert torch.allclose(h, hidden[:, t], atol=1e-5)
            assert torch.allclose(m, matched[:, t], atol=1e-5)
            model.remember(history, batch.dec_succ[:, t])
        assert int(history["run_enc"].max()) == model.config.match  # a full-length match was found


def test_match_lengths_count_equal_tokens_backward():
    from composer.model.network import match_lengths

    query = torch.tensor([[1, 2, 3, 1, 2, 3, 4]])
    runs = match_lengths(query, query, cap=16)[0]
    assert runs[5, 2] == 3  # "1 2 3" ends at both 2 and 5
    assert runs[6, 2] == 0 and runs[4, 1] == 2 and runs[6, 6] == 7
    assert match_lengths(query, query, cap=2)[0, 5, 2] == 2


def test_encoder_rows_grouped_by_length_give_what_packed_rows_give():
    """On a CPU the encoder runs rows grouped by length, unpacked (oneDNN's fused kernel); packed
    rows (as CUDA runs them) must give the same memory and the same gradients."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    torch.manual_seed(2)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16,
                                  dropout=0.0)).train()
    x = torch.randn(5, 20, 32)
    lengths = torch.tensor([20, 13, 20, 7, 13])
    out, (h, c) = model._run_encoder(x, lengths)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    ref_out, (ref_h, ref_c) = model.encoder(packed)
    ref_out = pad_packed_sequence(ref_out, batch_first=True, total_length=20)[0]
    assert torch.allclose(out, ref_out, atol=1e-5)
    assert torch.allclose(h, ref_h, atol=1e-5) and torch.allclose(c, ref_c, atol=1e-5)
    weight = model.encoder.weight_hh_l0_reverse
    grouped = torch.autograd.grad((out * out).sum() + h.sum(), weight)[0]
    reference = torch.autograd.grad((ref_out * ref_out).sum() + ref_h.sum(), weight)[0]
    assert torch.allclose(grouped, reference, atol=1e-4)
