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

    def hostile(c):  # an old vocabulary and an absurd architecture: the absurdity is what is named
        c["vocabulary"].update(max_delta=3)
        c["network"].update(encoder_layers=3000)
    with pytest.raises(CheckpointError, match="encoder_layers = 3000"):
        load_checkpoint(_rewrite_config(saved, tmp_path, hostile))


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


def test_a_style_with_weights_of_its_own_round_trips_and_leaves_the_others(tmp_path):
    """composer adapt's parameter isolation: a style's own network is stored as the tensors that
    differ from the shared one; every other style is written by the shared weights."""
    shared = small(n_styles=3)
    own = small(n_styles=3)
    own.load_state_dict(shared.state_dict())
    with torch.no_grad():
        own.heads[0].net[2].weight.add_(1.0)  # one changed tensor
    path = tmp_path / "own.safetensors"
    Checkpoint(model=shared, styles=["neutral", "folk", "mine"], own={"mine": own}).save(path)
    assert read_config(path)["own_weights"] == ["mine"]
    from safetensors import safe_open

    with safe_open(str(path), "pt") as handle:
        stored = [k for k in handle.keys() if k.startswith("own/")]
    assert stored == ["own/2/heads.0.net.2.weight"]  # only what differs
    loaded = load_checkpoint(path)
    assert "own_weights" not in loaded.info and set(loaded.own) == {"mine"}
    for style in (None, 0, "neutral", "folk", 1):
        assert loaded.model_for(style) is loaded.model
    mine = loaded.model_for("mine")
    assert loaded.model_for(2) is mine
    for (k, a), b, c in zip(mine.state_dict().items(), own.state_dict().values(), loaded.model.state_dict().values()):
        assert torch.equal(a, b), k
        assert torch.equal(c, shared.state_dict()[k]), k
    resaved = tmp_path / "again.safetensors"
    loaded.save(resaved)
    assert load_checkpoint(resaved).model_for("mine").heads[0].net[2].weight.equal(own.heads[0].net[2].weight)


def test_own_weights_of_an_unlisted_style_or_wrong_shape_are_refused(tmp_path):
    from safetensors.torch import load_file, save_file

    shared = small(n_styles=3)
    path = tmp_path / "own.safetensors"
    Checkpoint(model=shared, styles=["neutral", "folk", "mine"], own={"mine": shared}).save(path)
    config = read_config(path)
    tensors = load_file(str(path))
    bad = tmp_path / "bad.safetensors"
    save_file({**tensors, "own/1/style.weight": tensors["style.weight"].clone()}, str(bad),
              metadata={"composer": json.dumps(config)})
    with pytest.raises(CheckpointError, match="unexpected 'own/1/style.weight'"):
        load_checkpoint(bad)  # own weights for a style the config does not list
    save_file({**tensors, "own/2/style.weight": torch.zeros(2, 2)}, str(bad),
              metadata={"composer": json.dumps({**config, "own_weights": ["mine"]})})
    with pytest.raises(CheckpointError, match=r"own/2/style.weight: shape \[2, 2\]"):
        load_checkpoint(bad)
    save_file(tensors, str(bad), metadata={"composer": json.dumps({**config, "own_weights": ["nobody"]})})
    with pytest.raises(CheckpointError, match="own_weights"):
        load_checkpoint(bad)


def test_a_saved_checkpoint_has_the_usual_permissions(tmp_path):
    """Checkpoints (and the styles composer adapt writes) were always 0600, unlike every other file
    the app writes: a new one follows the umask, a replaced one keeps its own bits."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = tmp_path / "m.safetensors"
        Checkpoint(model=small(), styles=["neutral", "folk"]).save(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        path.chmod(0o640)
        Checkpoint(model=small(), styles=["neutral", "folk"]).save(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.safetensors"]  # no partial file left
    assert load_checkpoint(path).styles == ["neutral", "folk"]
