"""The LSTMs' bfloat16 inference (composer.model.precision): chosen as asked, close to float32,
never used while training, and the shipped model's predictions move by a fraction of a percent."""

import numpy as np
import pytest
import torch

from composer.model import precision
from composer.model.dataset import build_example, collate
from composer.model.encoding import encode
from composer.model.network import NetworkConfig, Seq2Seq
from composer.model.scoring import score_region


def _small_model_and_batch():
    torch.manual_seed(0)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, memory_dim=16)).eval()
    rng = np.random.default_rng(0)
    notes = np.array([(i * 240, 240, int(rng.integers(55, 80)), 90, 0) for i in range(60)])
    steps = encode(notes, bar_length=48)
    example = build_example(steps, start=int(steps.onset[30]), end=None, voices={0}, style=1, bar=48, max_context=64)
    return model, collate([example] * 4)  # 4 rows, as 4 variations: the cell rounds too (CELL_MIN_ROWS)


def _forward(model, batch, mode: str, monkeypatch) -> tuple[torch.Tensor, torch.Tensor]:
    """(encoder output, pitch log-probabilities) of a teacher-forced pass in `mode`."""
    monkeypatch.setenv(precision.ENV, mode)
    with torch.no_grad():
        memory = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)
        return memory["values"], model(*batch.model_inputs())[1]


def test_the_format_is_chosen_as_asked(monkeypatch):
    monkeypatch.setenv(precision.ENV, "float32")
    assert precision.inference_dtype() is torch.float32
    monkeypatch.setenv(precision.ENV, "bfloat16")
    assert precision.inference_dtype() is torch.bfloat16
    monkeypatch.setenv(precision.ENV, "auto")
    assert precision.inference_dtype() is (torch.bfloat16 if precision._native_bfloat16() else torch.float32)
    monkeypatch.setenv(precision.ENV, "half")
    with pytest.raises(ValueError, match="COMPOSER_PRECISION='half'"):
        precision.inference_dtype()


def test_a_single_row_steps_in_float32(monkeypatch):
    """A matrix-vector product is faster in float32 (precision.CELL_MIN_ROWS)."""
    monkeypatch.setenv(precision.ENV, "bfloat16")
    with torch.no_grad():
        assert precision.cell_dtype(torch.zeros(1, 8), training=False) is torch.float32
        assert precision.cell_dtype(torch.zeros(precision.CELL_MIN_ROWS, 8), training=False) is torch.bfloat16
        assert precision.lstm_dtype(torch.zeros(1, 5, 8), training=False) is torch.bfloat16


def test_bfloat16_inference_is_close_to_float32_and_not_equal(monkeypatch):
    model, batch = _small_model_and_batch()
    enc32, pitch32 = _forward(model, batch, "float32", monkeypatch)
    enc16, pitch16 = _forward(model, batch, "bfloat16", monkeypatch)
    assert enc16.dtype is torch.float32 and pitch16.dtype is torch.float32  # only the products are rounded
    assert not torch.equal(enc16, enc32)  # the bfloat16 path really ran
    assert (enc16 - enc32).norm() / enc32.norm() < 0.02
    assert (pitch16.exp() - pitch32.exp()).abs().max() < 0.01


def test_the_step_by_step_decoder_follows_the_teacher_forced_one_in_bfloat16(monkeypatch):
    monkeypatch.setenv(precision.ENV, "bfloat16")
    model, batch = _small_model_and_batch()
    with torch.no_grad():
        memory = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)
        hidden, _, _ = model.decode(batch.dec_in, memory, batch.dec_succ, batch.prefix)
        state, history = memory["state"], model.init_history(memory, 64, batch.prefix)
        worst = 0.0
        for t in range(batch.dec_in.shape[1]):
            h, state, _, _ = model.decode_step(batch.dec_in[:, t], memory, state, history)
            worst = max(worst, float((h - hidden[:, t]).abs().max()))
            model.remember(history, batch.dec_succ[:, t])
    assert state[1].dtype is torch.float32  # the cell state is carried in float32
    assert worst < 0.03, worst


def test_training_never_rounds(monkeypatch):
    """With gradients (training), bfloat16 asked for or not, the numbers are float32's bit for bit."""
    model, batch = _small_model_and_batch()
    model.train()
    results = []
    for mode in ("float32", "bfloat16"):
        monkeypatch.setenv(precision.ENV, mode)
        torch.manual_seed(5)  # the same dropout masks
        results.append(model(*batch.model_inputs())[1])
    assert torch.equal(results[0], results[1])


def test_copies_follow_the_weights(monkeypatch):
    """The bfloat16 copies are remade after an in-place update of the weights (an optimizer step)."""
    monkeypatch.setenv(precision.ENV, "bfloat16")
    model, batch = _small_model_and_batch()
    before = _forward(model, batch, "bfloat16", monkeypatch)[0]
    with torch.no_grad():
        for weight in model.encoder.parameters():
            weight.mul_(1.5)
    after = _forward(model, batch, "bfloat16", monkeypatch)[0]
    monkeypatch.setenv(precision.ENV, "float32")
    with torch.no_grad():
        reference = model.encode(batch.src, batch.src_len, batch.style, batch.src_succ)["values"]
    assert not torch.allclose(before, after, atol=1e-3)
    assert (after - reference).norm() / reference.norm() < 0.02


def test_the_shipped_models_predictions_barely_move(cowriter, monkeypatch):
    """A 4-voice-free folk tune of 96 notes, scored after its first 16: the pitch cross-entropy in
    bfloat16 is within 1 % of float32's (models/README.md gives the validation split's figure)."""
    rng = np.random.default_rng(3)
    scale = [62, 64, 66, 67, 69, 71, 73, 74]
    phrase = [int(rng.choice(scale)) for _ in range(16)]
    pitches = (phrase + [p + 2 if p + 2 in scale else p for p in phrase]) * 3
    notes = np.array([(i * 240, 240, p, 90, 0) for i, p in enumerate(pitches)])
    nll = {}
    for mode in ("float32", "bfloat16"):
        monkeypatch.setenv(precision.ENV, mode)
        nll[mode] = score_region(cowriter.checkpoint, notes, region_start=16 * 240)["pitch"]
    assert len(nll["float32"]) == 80
    assert not np.array_equal(nll["float32"], nll["bfloat16"])
    assert abs(nll["bfloat16"].mean() / nll["float32"].mean() - 1) < 0.01
