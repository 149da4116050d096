"""Checkpoints: one .safetensors file holding the weights, with the JSON config (architecture,
vocabulary, styles, training-data summary, metrics) in its header metadata. Never pickle: loading
reads tensors and JSON only, so a hostile file cannot run code."""

from __future__ import annotations

import json
import os
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

from composer.model import vocab as V
from composer.model.network import NetworkConfig, Seq2Seq

FORMAT = "composer-seq2seq"
FORMAT_VERSION = 1
NEUTRAL_STYLE = "neutral"
_MAX_HEADER = 16 * 1024 * 1024


class CheckpointError(Exception):
    """The file is not a usable Composer checkpoint; the message says why and what to do."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {problem}")


def vocabulary() -> dict:
    return {"grid_per_quarter": V.GRID_PER_QUARTER, "max_delta": V.MAX_DELTA, "max_duration": V.MAX_DURATION,
            "velocity_bins": V.VELOCITY_BINS, "max_interval": V.MAX_INTERVAL, "max_position": V.MAX_POSITION,
            "targets": list(V.TARGETS), "features": list(V.FEATURES)}


@dataclass
class Checkpoint:
    model: Seq2Seq
    styles: list[str]  # index 0 is NEUTRAL_STYLE
    info: dict = field(default_factory=dict)  # training summary, metrics, anything descriptive

    def config(self) -> dict:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "network": self.model.config.to_dict(),
                "vocabulary": vocabulary(), "styles": self.styles, **self.info}

    def save(self, path: str | Path) -> None:
        from safetensors.torch import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tensors = {k: v.detach().to("cpu").contiguous() for k, v in self.model.state_dict().items()}
        # Write beside the target and rename: a crash mid-write never leaves a broken checkpoint.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            save_file(tensors, tmp, metadata={"composer": json.dumps(self.config())})
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def read_config(path: str | Path) -> dict:
    """The JSON config of a checkpoint, validated, without loading any tensor."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "no such file")
    size = path.stat().st_size
    with open(path, "rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise CheckpointError(path, "file is too short to be a safetensors checkpoint (truncated?)")
        (header_len,) = struct.unpack("<Q", prefix)
        if header_len > min(_MAX_HEADER, size - 8):
            hint = " (it looks like a pickle/torch.save file, which Composer refuses to load)" \
                if prefix[:1] == b"\x80" or prefix[:2] == b"PK" else ""
            raise CheckpointError(path, f"not a safetensors file{hint}")
        try:
            header = json.loads(handle.read(header_len))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CheckpointError(path, f"corrupt safetensors header ({error})") from None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or "composer" not in metadata:
        raise CheckpointError(path, "a safetensors file, but not a Composer checkpoint (no composer config)")
    try:
        config = json.loads(metadata["composer"])
    except json.JSONDecodeError as error:
        raise CheckpointError(path, f"its config is not valid JSON ({error})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(path, "its config is not a Composer seq2seq config")
    if config.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(path, f"made by another version of Composer (checkpoint format "
                                    f"{config.get('format_version')}, this version reads {FORMAT_VERSION})")
    if config.get("vocabulary") != vocabulary():
        raise CheckpointError(path, "its note vocabulary differs from this version's; retrain or upgrade")
    styles = config.get("styles")
    if not isinstance(styles, list) or not styles or not all(isinstance(s, str) for s in styles):
        raise CheckpointError(path, "its config lists no styles")
    last_data_byte = 8 + header_len + max((t.get("data_offsets", [0, 0])[1] for k, t in header.items()
                                           if k != "__metadata__" and isinstance(t, dict)), default=0)
    if last_data_byte > size:
        raise CheckpointError(path, f"truncated: the header promises {last_data_byte} bytes, the file has {size}")
    return config


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Checkpoint:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    config = read_config(path)
    try:
        network = NetworkConfig.from_dict(config["network"])
        model = Seq2Seq(network)
    except Exception as error:
        raise CheckpointError(path, f"its architecture config is unusable ({error})") from None
    try:
        tensors = load_file(str(path), device=str(device))
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError(path, f"could not read the weights ({error})") from None
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as error:
        raise CheckpointError(path, f"weights do not match the architecture ({str(error).splitlines()[0]})") from None
    model.to(device).eval()
    info = {k: v for k, v in config.items() if k not in ("format", "format_version", "network", "vocabulary", "styles")}
    return Checkpoint(model=model, styles=list(config["styles"]), info=info)
