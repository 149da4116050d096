"""Checkpoints are safetensors + JSON; anything else is refused with a clear error, and no code runs."""

import json
import pickle
import struct

import pytest
import torch

from composer.model.checkpoint import Checkpoint, CheckpointError, load_checkpoint, read_config
from composer.model.network import NetworkConfig, Seq2Seq


def small(n_styles=2):
    return Seq2Seq(NetworkConfig(n_styles=n_styles, embed=32, encoder_hidden=16, decoder_hidden=32))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "m.safetensors"
    Checkpoint(model=small(), styles=["neutral", "folk"], info={"metrics": {"x": 1.5}}).save(path)
    return path


def test_round_trip_keeps_weights_styles_and_info(saved):
    loaded = load_checkpoint(saved)
    assert loaded.styles == ["neutral", "folk"]
    assert loaded.info["metrics"] == {"x": 1.5}
    again = load_checkpoint(saved)
    for (k, a), (_, b) in zip(loaded.model.state_dict().items(), again.model.state_dict().items()):
        assert torch.equal(a, b), k
    assert read_config(saved)["network"]["embed"] == 32


class _Exploit:
    marker = None

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickle_is_refused_and_runs_no_code(tmp_path):
    marker = tmp_path / "pwned"
    _Exploit.marker = marker
    path = tmp_path / "evil.safetensors"
    path.write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(CheckpointError, match="not a safetensors file.*pickle"):
        load_checkpoint(path)
    assert not marker.exists()
    torch_file = tmp_path / "torch.pt"
    torch.save(small().state_dict(), torch_file)
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(torch_file)


@pytest.mark.parametrize("cut", [0, 5, 8, 100, -10])
def test_truncated_files_are_refused(saved, tmp_path, cut):
    data = saved.read_bytes()
    broken = tmp_path / "cut.safetensors"
    broken.write_bytes(data[:cut] if cut >= 0 else data[:cut])
    with pytest.raises(CheckpointError):
        load_checkpoint(broken)


def _rewrite_config(saved, tmp_path, change):
    from safetensors.torch import load_file, save_file

    config = read_config(saved)
    change(config)
    out = tmp_path / "changed.safetensors"
    save_file(load_file(saved), out, metadata={"composer": json.dumps(config)})
    return out


def test_other_version_and_other_vocabulary_are_refused(saved, tmp_path):
    newer = _rewrite_config(saved, tmp_path, lambda c: c.update(format_version=99))
    with pytest.raises(CheckpointError, match="another version"):
        load_checkpoint(newer)
    vocab = _rewrite_config(saved, tmp_path, lambda c: c["vocabulary"].update(max_delta=3))
    with pytest.raises(CheckpointError, match="vocabulary"):
        load_checkpoint(vocab)


def test_weights_that_do_not_fit_the_architecture(saved, tmp_path):
    wrong = _rewrite_config(saved, tmp_path, lambda c: c["network"].update(embed=48))
    with pytest.raises(CheckpointError, match="do not match"):
        load_checkpoint(wrong)


def test_plain_safetensors_without_config_and_garbage_header(tmp_path):
    from safetensors.torch import save_file

    plain = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(2)}, plain)
    with pytest.raises(CheckpointError, match="not a Composer checkpoint"):
        load_checkpoint(plain)
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(struct.pack("<Q", 10) + b"\xff" * 10)
    with pytest.raises(CheckpointError, match="corrupt"):
        load_checkpoint(garbage)
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "missing.safetensors")


def test_interval_head_moves_with_the_voices_previous_pitch():
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32, relative_pitch=True,
                                  copy=False))
    pitch = 1  # vocab.TARGETS index
    torch.nn.init.zeros_(model.heads[pitch].net[2].weight)
    torch.nn.init.zeros_(model.heads[pitch].net[2].bias)  # only the interval expert speaks
    hidden = torch.randn(1, 1, 32)
    low = model.head_logprobs(pitch, hidden, None, None, torch.tensor([[60]]))
    high = model.head_logprobs(pitch, hidden, None, None, torch.tensor([[67]]))
    # The same intervals, a fifth higher (log-probabilities differ only by normalisation).
    assert torch.allclose(low[0, 0, 50:80] - low[0, 0, 60], high[0, 0, 57:87] - high[0, 0, 67], atol=1e-5)
