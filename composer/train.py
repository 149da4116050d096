"""The training loop: early stopping on validation loss, resumable, CPU or CUDA (bf16 autocast),
DistributedDataParallel under torchrun, loss / perplexity / accuracy per attribute per epoch."""

from __future__ import annotations

import csv
import json
import math
import os
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn

from composer.model.checkpoint import NEUTRAL_STYLE, Checkpoint, load_checkpoint
from composer.model.dataset import RegionSampler, TrainingPiece, make_piece
from composer.model.metrics import Tally, format_summary, step_losses
from composer.model.network import NetworkConfig, Seq2Seq
from composer.model.training_state import load_training_state, save_training_state


@dataclass
class TrainConfig:
    out: str = "models/model.safetensors"
    epochs: int = 1000
    batch_size: int = 64
    lr: float = 1e-3
    patience: int = 10
    clip: float = 1.0
    seed: int = 0
    max_minutes: float | None = None
    max_steps_per_epoch: int | None = None
    target_length: int = 96
    augment: bool = True  # transposition within +-5 semitones; key/chord/style dropout
    windows_per_piece: int = 2
    melody_probability: float = 0.5
    # (continue, fill, accompany) weights for pieces of several voices, the only ones accompany
    # can use; None = the sampler's usual weights. Training only: validation keeps the usual mix.
    polyphonic_task_weights: tuple[float, float, float] | None = None
    # Each style's share of the training examples ~ its share of the corpus ** style_balance
    # (1 = as in the corpus). Training only: validation keeps the corpus's own mix.
    style_balance: float = 1.0
    # Share of training examples that are a synthetic phrase restated (dataset.restatement_piece).
    restatements: float = 0.0
    # Early stopping (and the checkpoint kept) on these attributes' validation loss summed; empty:
    # on the whole loss. composer.adapt leaves out velocity, which the base never learnt.
    stop_on: tuple[str, ...] = ()
    # Teacher forcing is always 1.0: scheduled sampling (Bengio et al. 2015) at 0.5 lost clearly
    # on this corpus (models/README.md), and the history attention needs true notes to copy.
    network: NetworkConfig = field(default_factory=lambda: NetworkConfig(relative_pitch=True))


@dataclass
class Dataset:
    """Pieces per split and the style vocabulary (index 0 = neutral)."""

    train: list[TrainingPiece]
    validation: list[TrainingPiece]
    styles: list[str]
    summary: dict


def pieces_from_corpus(corpus, styles: list[str] | None = None, exclude: tuple[str, ...] = ()) -> Dataset:
    """Training pieces from a loaded corpus (composer.data), split as the corpus says; styles in
    `exclude` are left out altogether (a base that never heard them, to measure adapting to one)."""
    styles = styles or [NEUTRAL_STYLE, *(s for s in corpus.styles if s not in exclude)]
    index = {name: i for i, name in enumerate(styles)}
    splits: dict[str, list[TrainingPiece]] = {"train": [], "validation": [], "test": []}
    counts: dict[str, dict[str, int]] = {}
    for piece in corpus.pieces:
        if piece.style in exclude:
            continue
        splits[piece.split].append(training_piece(piece, index.get(piece.style, 0)))
        per = counts.setdefault(piece.style, {"pieces": 0, "notes": 0})
        per["pieces"] += 1
        per["notes"] += len(piece.notes)
    if not splits["validation"] and len(splits["train"]) >= 2:
        # A small user folder may hash no piece into validation; early stopping still needs some.
        splits["validation"] = splits["train"][::10]
        splits["train"] = [p for i, p in enumerate(splits["train"]) if i % 10]
    summary = {"pieces": len(corpus.pieces), "by_style": counts,
               "splits": {k: len(v) for k, v in splits.items()}}
    return Dataset(splits["train"], splits["validation"], styles, summary)


def training_piece(piece, style: int) -> TrainingPiece:
    """A corpus Piece (composer.data.corpus) encoded for training, with its meter map, keys and
    chords where the corpus has them."""
    keys = getattr(piece, "keys", None)
    chords = getattr(piece, "chords", None)
    meters = getattr(piece, "meters", None)
    return make_piece(piece.notes, style, tuple(piece.time_signature), getattr(piece, "drum_voices", ()),
                      meters=meters if meters is not None and len(meters) else None,
                      keys=[(int(t), str(k)) for t, k in keys] if keys else None, key=piece.key,
                      chords=chords if chords is not None and len(chords) else None)


def model_for_styles(checkpoint: Checkpoint, styles: list[str], changes: dict | None = None) -> Seq2Seq:
    """The checkpoint's network with its style embedding re-indexed to `styles`: known names keep
    their rows, new ones start at the mean of the known rows (a neutral-ish start). changes:
    NetworkConfig fields to change (parts the checkpoint lacks keep their initialisation, e.g.
    match=16 adds the match-length bonus, which starts at zero)."""
    old = checkpoint.model
    config = NetworkConfig.from_dict({**old.config.to_dict(), **(changes or {}), "n_styles": len(styles)})
    model = Seq2Seq(config)
    fresh = model.state_dict()
    state = {}
    for name, value in old.state_dict().items():
        if name == "style.weight" or name not in fresh:
            continue
        if value.shape != fresh[name].shape and value.dim() == fresh[name].dim():
            # A layer that grew (e.g. a gate reading one more input): the old part is kept, the
            # new part keeps its initialisation.
            grown = fresh[name].clone()
            grown[tuple(slice(0, min(a, b)) for a, b in zip(value.shape, grown.shape))] = \
                value[tuple(slice(0, min(a, b)) for a, b in zip(value.shape, grown.shape))]
            value = grown
        state[name] = value
    model.load_state_dict(state, strict=False)
    with torch.no_grad():
        rows = old.style.weight
        mean = rows[1:].mean(0) if len(rows) > 1 else rows[0]
        for i, name in enumerate(styles):
            model.style.weight[i] = rows[checkpoint.styles.index(name)] if name in checkpoint.styles else mean
    return model


def _distributed() -> tuple[int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        torch.distributed.init_process_group(backend)
    return (torch.distributed.get_rank(), world) if world > 1 else (0, 1)


def _device(rank: int) -> torch.device:
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", rank))
        torch.cuda.set_device(local)
        return torch.device("cuda", local)
    return torch.device("cpu")


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    def __init__(self, config: TrainConfig, data: Dataset, *, log: Callable[[str], None] = print,
                 progress: bool = True, augment=None, resume: bool = False,
                 model: Seq2Seq | None = None, trainable: Callable[[str], bool] | None = None):
        """model: start from these weights instead of a fresh network (fine-tuning, composer.adapt);
        its config replaces config.network. trainable(parameter name) -> bool: only those parameters
        get gradients and go to the optimizer (None = all)."""
        self.config, self.data, self.log, self.show_progress = config, data, log, progress
        self.rank, self.world = _distributed()
        self.device = _device(self.rank)
        _seed_everything(config.seed)
        if model is not None:
            config.network = model.config
        config.network.n_styles = len(data.styles)
        self.model = (model if model is not None else Seq2Seq(config.network)).to(self.device)
        if trainable is not None:
            for name, parameter in self.model.named_parameters():
                parameter.requires_grad_(trainable(name))
        self.net: nn.Module = self.model
        if self.world > 1:
            self.net = nn.parallel.DistributedDataParallel(
                self.model, device_ids=[self.device.index] if self.device.type == "cuda" else None)
        self.optimizer = torch.optim.Adam([p for p in self.model.parameters() if p.requires_grad], lr=config.lr)
        self.sampler = RegionSampler(data.train, batch_size=config.batch_size, target_length=config.target_length,
                                     melody_probability=config.melody_probability,
                                     transpose=5 if config.augment else 0, windows_per_piece=config.windows_per_piece,
                                     polyphonic_task_weights=config.polyphonic_task_weights,
                                     style_balance=config.style_balance, restatements=config.restatements,
                                     rank=self.rank,
                                     world=self.world, fixed=not config.augment)
        self.val_sampler = RegionSampler(data.validation, batch_size=config.batch_size,
                                         target_length=config.target_length, style_dropout=0.0,
                                         windows_per_piece=config.windows_per_piece, rank=self.rank,
                                         world=self.world, fixed=True)
        self.autocast = self.device.type == "cuda"
        self.epoch, self.best, self.bad_epochs, self.history = 0, math.inf, 0, []
        self.step = 0
        self.out = Path(config.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if resume:
            self._resume()

    # -- one pass ------------------------------------------------------------------------------
    def _forward(self, batch, train: bool):
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            return self.net(*batch.model_inputs())

    def run_epoch(self, train: bool) -> dict:
        self.net.train(train)
        sampler = self.sampler if train else self.val_sampler
        # Validation windows are the same every epoch; training windows differ per epoch.
        rng = np.random.default_rng((self.config.seed, self.epoch, self.rank) if train else (12345, self.rank))
        total = sampler.steps_per_epoch()
        limit = self.config.max_steps_per_epoch if train else None
        if limit:
            total = min(total, limit)
        tally = Tally()
        bar = None
        if self.show_progress and self.rank == 0:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=f"epoch {self.epoch + 1} {'train' if train else 'valid'}",
                       leave=False, dynamic_ncols=True)
        with torch.set_grad_enabled(train):
            for i, batch in enumerate(sampler.batches(rng)):
                if limit and i >= limit:
                    break
                batch = batch.to(self.device)
                logits = self._forward(batch, train)
                losses = step_losses(logits, batch.targets)
                if train:
                    loss = sum(losses) / max(1, batch.notes)
                    self.optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    nn.utils.clip_grad_norm_(self.model.parameters(), self.config.clip)
                    self.optimizer.step()
                    self.step += 1
                tally.add([l.detach() for l in logits], batch.targets, [l.detach() for l in losses])
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{tally.summary()['loss']:.3f}")
        if bar is not None:
            bar.close()
        if self.world > 1:
            values = tally.merge_tensor().to(self.device)
            torch.distributed.all_reduce(values)
            tally = Tally.from_tensor(values.cpu())
        return tally.summary()

    # -- the loop ------------------------------------------------------------------------------
    def fit(self) -> Checkpoint | None:
        started = time.monotonic()
        writer = self._tensorboard()
        while self.epoch < self.config.epochs:
            t0 = time.monotonic()
            train = self.run_epoch(True)
            valid = self.run_epoch(False)
            seconds = time.monotonic() - t0
            self.epoch += 1
            row = {"epoch": self.epoch, "seconds": round(seconds, 2),
                   "notes_per_second": round(train["notes"] / max(seconds, 1e-9), 1),
                   **{f"train_{k}": v for k, v in train.items()}, **{f"val_{k}": v for k, v in valid.items()}}
            self.history.append(row)
            score = sum(valid[f"{name}_loss"] for name in self.config.stop_on) if self.config.stop_on \
                else valid["loss"]
            improved = score < self.best - 1e-4
            if improved:
                self.best, self.bad_epochs = score, 0
            else:
                self.bad_epochs += 1
            if self.rank == 0:
                self.log(f"epoch {self.epoch}: {seconds:.0f}s, {row['notes_per_second']:.0f} notes/s")
                self.log("  " + format_summary("train", train))
                self.log("  " + format_summary("valid", valid) + ("  *best*" if improved else ""))
                self._write_csv(row)
                if writer is not None:
                    for key, value in row.items():
                        writer.add_scalar(key, value, self.epoch)
                if improved:
                    self.checkpoint(valid).save(self.out)
                save_training_state(self.out, self)
            if self.bad_epochs >= self.config.patience:
                if self.rank == 0:
                    self.log(f"stopping: validation loss has not improved for {self.config.patience} epochs")
                break
            if self.config.max_minutes and (time.monotonic() - started) / 60 >= self.config.max_minutes:
                if self.rank == 0:
                    self.log(f"stopping: the time budget of {self.config.max_minutes} minutes is spent")
                break
        if writer is not None:
            writer.close()
        if self.world > 1:
            torch.distributed.barrier()
        return load_checkpoint(self.out) if self.rank == 0 and self.out.exists() else None

    def checkpoint(self, valid: dict) -> Checkpoint:
        config = {k: v for k, v in asdict(self.config).items() if k != "network"}
        info = {"training": {**config, "epochs_run": self.epoch, "world_size": self.world,
                             "device": str(self.device.type), "data": self.data.summary},
                "metrics": {"validation": valid, "best_epoch": self.epoch}}
        return Checkpoint(model=self.model, styles=self.data.styles, info=json.loads(json.dumps(info)))

    def _write_csv(self, row: dict) -> None:
        path = self.out.with_suffix(".csv")
        new = not path.exists() or self.epoch == 1
        with open(path, "w" if new else "a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row))
            if new:
                writer.writeheader()
            writer.writerow(row)

    def _tensorboard(self):
        if self.rank != 0:
            return None
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:  # TensorBoard is optional
            return None
        return SummaryWriter(log_dir=str(self.out.with_suffix("")) + "_tensorboard")

    def _resume(self) -> None:
        if not self.out.exists():
            raise FileNotFoundError(f"cannot resume: {self.out} does not exist yet")
        load_training_state(self.out, self)  # the latest weights, not only the best ones
        saved_lr = self.optimizer.param_groups[0]["lr"]
        for group in self.optimizer.param_groups:  # the command's --lr wins over the saved one: resuming to fine-tune
            group["lr"] = self.config.lr
        self.log(f"resumed from {self.out} after epoch {self.epoch} (best validation loss {self.best:.4f}); "
                 f"learning rate {self.config.lr:g}" + (f" (was {saved_lr:g})" if saved_lr != self.config.lr else ""))
