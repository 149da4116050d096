"""Resumable training state beside a checkpoint (<out>.state.safetensors): the latest weights,
Adam's moments, the epoch counters and the RNG state. Safetensors + JSON like the checkpoint."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch


def state_path(out: Path) -> Path:
    return out.with_name(out.stem + ".state.safetensors")


def save_training_state(out: Path, trainer) -> None:
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in trainer.model.state_dict().items()}
    optimizer = trainer.optimizer.state_dict()
    for index, state in optimizer["state"].items():
        for name, value in state.items():
            tensors[f"optim.{index}.{name}"] = torch.as_tensor(value).detach().cpu().contiguous()
    tensors["rng.torch"] = torch.get_rng_state()
    meta = {"epoch": trainer.epoch, "step": trainer.step, "best": trainer.best, "bad_epochs": trainer.bad_epochs,
            "history": trainer.history, "param_groups": optimizer["param_groups"]}
    path = state_path(out)
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata={"composer_training": json.dumps(meta)})
    os.replace(tmp, path)


def load_training_state(out: Path, trainer) -> None:
    from safetensors import safe_open
    from safetensors.torch import load_file

    path = state_path(out)
    if not path.exists():
        raise FileNotFoundError(f"cannot resume: {path} is missing")
    with safe_open(str(path), "pt") as handle:
        meta = json.loads(handle.metadata()["composer_training"])
    tensors = load_file(str(path))
    trainer.model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value.to(trainer.device) if name != "step" else value
    trainer.optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    torch.set_rng_state(tensors["rng.torch"])
    trainer.epoch, trainer.best, trainer.bad_epochs = meta["epoch"], meta["best"], meta["bad_epochs"]
    trainer.history = meta["history"]
    trainer.step = meta.get("step", 0)
