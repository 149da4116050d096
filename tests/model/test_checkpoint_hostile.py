"""Hostile and damaged checkpoints (issue 11): every malformed header is a CheckpointError naming
the file; sizes are bounded and tensor shapes/dtypes checked against the config before the model
is built; non-finite weights are refused; a folder, a FIFO and a symlink loop get their own words.
Each test writes its own file from a small real model (tests/model/test_checkpoint.py's recipe)."""

from __future__ import annotations

import json
import os
import struct

import pytest
import torch

from composer.model import checkpoint as ckpt
from composer.model.checkpoint import Checkpoint, CheckpointError, load_checkpoint, read_config
from composer.model.network import NetworkConfig, Seq2Seq


def small_model() -> Seq2Seq:
    return Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "m.safetensors"
    Checkpoint(model=small_model(), styles=["neutral", "folk"]).save(path)
    return path


def split(path) -> tuple[dict, bytes]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def write(path, header, data: bytes = b"", *, raw_header: bytes | None = None):
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)
    return path


def with_config(saved, tmp_path, change, name="changed.safetensors"):
    header, data = split(saved)
    config = json.loads(header["__metadata__"]["composer"])
    change(config)
    header["__metadata__"]["composer"] = json.dumps(config)
    return write(tmp_path / name, header, data)


def test_config_that_is_not_a_string_is_a_named_error(tmp_path):
    path = write(tmp_path / "c.safetensors", {"__metadata__": {"composer": {"format": "composer-seq2seq"}}})
    with pytest.raises(CheckpointError, match="c.safetensors.*not a JSON string"):
        load_checkpoint(path)


def test_empty_data_offsets_are_a_named_error(saved, tmp_path):
    header, data = split(saved)
    first = next(k for k in header if k != "__metadata__")
    header[first]["data_offsets"] = []
    with pytest.raises(CheckpointError, match="bad.safetensors.*data offsets"):
        load_checkpoint(write(tmp_path / "bad.safetensors", header, data))


@pytest.mark.parametrize("mangle", [
    lambda entry: entry.update(shape="x"),
    lambda entry: entry.update(shape=[-1]),
    lambda entry: entry.update(dtype=7),
    lambda entry: entry.update(data_offsets=[5, 1]),
    lambda entry: entry.update(data_offsets=[True, 4]),
    lambda entry: entry.clear(),
])
def test_every_malformed_tensor_entry_is_a_checkpoint_error(saved, tmp_path, mangle):
    header, data = split(saved)
    mangle(header[next(k for k in header if k != "__metadata__")])
    with pytest.raises(CheckpointError, match="bad.safetensors"):
        load_checkpoint(write(tmp_path / "bad.safetensors", header, data))


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b'{"__metadata__": ' + b"[" * 50_000 + b"]" * 50_000
                                 + b"}", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_deep_nesting_and_odd_headers_are_checkpoint_errors(tmp_path, raw):
    with pytest.raises(CheckpointError, match="h.safetensors"):
        load_checkpoint(write(tmp_path / "h.safetensors", None, b"", raw_header=raw))


def test_deeply_nested_config_string(saved, tmp_path):
    header, data = split(saved)
    header["__metadata__"]["composer"] = "[" * 100_000 + "]" * 100_000
    with pytest.raises(CheckpointError, match="n.safetensors.*nested too deeply"):
        load_checkpoint(write(tmp_path / "n.safetensors", header, data))


def test_3000_layers_in_a_header_only_file_are_refused_before_building(saved, tmp_path, monkeypatch):
    """The handed file: a 2 KB header whose config asks for 3,000 layers and holds no tensors."""
    header, _ = split(saved)
    config = json.loads(header["__metadata__"]["composer"])
    config["network"].update(encoder_layers=3000, decoder_layers=3000)
    header = {"__metadata__": {"composer": json.dumps(config)}}
    path = write(tmp_path / "deep.safetensors", header)
    built = []
    monkeypatch.setattr(ckpt, "Seq2Seq", lambda *a: built.append(a))  # a spy: nothing may be built
    with pytest.raises(CheckpointError, match="deep.safetensors.*encoder_layers = 3000"):
        load_checkpoint(path)
    assert not built


def test_sizes_within_each_bound_but_too_many_parameters_together(saved, tmp_path):
    path = with_config(saved, tmp_path, lambda c: c["network"].update(
        embed=8192, encoder_hidden=8192, decoder_hidden=8192, encoder_layers=16, decoder_layers=16))
    with pytest.raises(CheckpointError, match="parameters"):
        load_checkpoint(path)


@pytest.mark.parametrize("field,value", [("embed", 0), ("embed", 10**9), ("embed", 1.5), ("dropout", 7.0),
                                         ("embed", True), ("n_styles", "many")])
def test_config_fields_are_type_checked_and_bounded(saved, tmp_path, field, value):
    path = with_config(saved, tmp_path, lambda c: c["network"].update({field: value}))
    with pytest.raises(CheckpointError, match=f"{field} = "):
        read_config(path)


def test_header_shapes_are_checked_against_the_config_before_the_model_is_built(saved, tmp_path, monkeypatch):
    path = with_config(saved, tmp_path, lambda c: c["network"].update(embed=48))
    real = ckpt.Seq2Seq
    built_on = []

    def spy(config):
        built_on.append(torch.empty(0).device.type)  # the default device while building
        return real(config)

    monkeypatch.setattr(ckpt, "Seq2Seq", spy)
    with pytest.raises(CheckpointError, match="do not match the architecture.*shape"):
        load_checkpoint(path)
    assert built_on == ["meta"]  # only the shape-only model was built


def test_missing_and_unexpected_tensors_are_named(saved, tmp_path):
    header, data = split(saved)
    name = next(k for k in header if k != "__metadata__")
    header["extra.weight"] = header.pop(name)
    with pytest.raises(CheckpointError, match="missing"):
        load_checkpoint(write(tmp_path / "renamed.safetensors", header, data))


def test_wrong_dtype_is_refused(tmp_path):
    from safetensors.torch import save_file

    model = small_model()
    path = tmp_path / "f64.safetensors"
    good = tmp_path / "good.safetensors"
    Checkpoint(model=model, styles=["neutral", "folk"]).save(good)
    metadata = split(good)[0]["__metadata__"]
    save_file({k: v.double() for k, v in model.state_dict().items()}, path, metadata=metadata)
    with pytest.raises(CheckpointError, match="dtype F64"):
        load_checkpoint(path)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_weights_are_refused(tmp_path, bad):
    model = small_model()
    with torch.no_grad():
        next(model.parameters()).view(-1)[3] = bad
    path = tmp_path / "nan.safetensors"
    Checkpoint(model=model, styles=["neutral", "folk"]).save(path)
    with pytest.raises(CheckpointError, match="nan.safetensors.*NaN or infinite"):
        load_checkpoint(path)


def test_a_folder_a_fifo_and_a_symlink_loop_each_get_their_own_message(tmp_path):
    folder = tmp_path / "models.safetensors"
    folder.mkdir()
    with pytest.raises(CheckpointError, match="folder"):
        load_checkpoint(folder)
    fifo = tmp_path / "pipe.safetensors"
    os.mkfifo(fifo)
    with pytest.raises(CheckpointError, match="pipe"):  # and it must not block on open
        load_checkpoint(fifo)
    loop = tmp_path / "loop.safetensors"
    os.symlink(loop, loop)
    with pytest.raises(CheckpointError, match="loops back"):
        load_checkpoint(loop)
    with pytest.raises(CheckpointError, match="device"):
        read_config("/dev/zero")


def test_a_good_checkpoint_still_loads_with_its_weights(saved):
    model = load_checkpoint(saved).model
    again = load_checkpoint(saved).model
    for (k, a), (_, b) in zip(model.state_dict().items(), again.state_dict().items()):
        assert torch.equal(a, b), k


def test_the_shape_check_does_not_pull_in_torch_dynamo(saved):
    """The meta-device model skips initialisers: torch's first meta normal_ imports torch._dynamo,
    which cost ~10 s per app start. Checked in a fresh interpreter (imports are per process)."""
    import subprocess
    import sys

    code = ("import sys; from composer.model.checkpoint import load_checkpoint; "
            f"load_checkpoint({str(saved)!r}); print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "False", out.stderr[-2000:]
