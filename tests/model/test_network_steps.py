"""The step-by-step decoder used for sampling computes exactly what the teacher-forced decoder
used in training computes (LSTM, encoder attention, history attention, copy distributions)."""

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.dataset import build_example, collate
from composer.model.encoding import encode
from composer.model.network import NetworkConfig, Seq2Seq


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
        hidden, weights = model.decode(batch.dec_in, memory, batch.dec_succ, batch.prefix)
        succ = torch.cat([memory["succ"], batch.dec_succ], dim=1)
        full = model.logits(hidden, batch.targets, batch.ref, weights, succ)
        state, history = memory["state"], model.init_history(memory, 32, batch.prefix)
        for t in range(batch.dec_in.shape[1]):
            h, state, w = model.decode_step(batch.dec_in[:, t], memory, state, history)
            assert torch.allclose(h, hidden[:, t], atol=1e-5)
            assert torch.allclose(w, weights[:, t, : w.shape[-1]], atol=1e-5)
            step_succ = torch.cat([memory["succ"], history["succ"][:, : history["length"]]], dim=1)
            pitch = model.head_logprobs(1, (h + model.condition[0](batch.targets[:, t, 0]))[:, None], w[:, None],
                                        step_succ, batch.ref[:, t : t + 1])[:, 0]
            assert torch.allclose(pitch, full[1][:, t], atol=1e-4)
            model.remember(history, batch.dec_succ[:, t])
    assert history["length"] == batch.dec_in.shape[1]
    assert all(torch.allclose(lp.exp().sum(-1), torch.ones(1), atol=1e-4) for lp in full)
    assert V.TARGETS[1] == "pitch"
