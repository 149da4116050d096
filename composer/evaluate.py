"""The fixed evaluation protocol, so figures compare across models and releases.

For each piece: take its melody (highest note at each onset, non-drum voices), quantised to the
model grid; the first `seed_notes` notes are the seed; each of the next up to `max_notes` notes is
predicted given all earlier true notes (teacher forcing), with the piece's style if known, else the
neutral style. Reported: pitch cross-entropy in nats per note, pitch top-1 accuracy, onset-delta
and duration accuracy, joint NLL (all four attributes), pieces and notes; the same for the n-gram
baseline fitted on the training split.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.checkpoint import Checkpoint
from composer.model.dataset import collate, make_example, melody_array
from composer.model.encoding import Steps, encode
from composer.model.metrics import step_losses
from composer.model.ngram import NGram, fit_best_order


@dataclass
class EvalPiece:
    notes: np.ndarray  # (N, 5)
    style: str | None
    time_signature: tuple[int, int] = (4, 4)
    drum_voices: tuple[int, ...] = ()


def melody_steps(piece: EvalPiece) -> Steps:
    melody = melody_array(piece.notes, piece.drum_voices)
    return encode(melody, V.bar_grid(*piece.time_signature))


class Row:
    """Running sums for one row of the report."""

    def __init__(self) -> None:
        self.nll = defaultdict(float)
        self.correct = defaultdict(int)
        self.notes = 0
        self.pieces = 0

    def row(self) -> dict:
        n = max(1, self.notes)
        return {"pitch_nll": self.nll["pitch"] / n, "pitch_acc": self.correct["pitch"] / n,
                "onset_acc": self.correct["delta"] / n, "duration_acc": self.correct["duration"] / n,
                "velocity_acc": self.correct["velocity"] / n,
                "joint_nll": sum(self.nll[t] for t in V.TARGETS) / n, "notes": self.notes, "pieces": self.pieces}


def _examples(pieces: list[EvalPiece], seed_notes: int, max_notes: int):
    for piece in pieces:
        steps = melody_steps(piece)
        if len(steps) <= seed_notes:
            continue
        yield piece, steps.slice(0, seed_notes + max_notes)


@torch.inference_mode()
def evaluate_model(checkpoint: Checkpoint, pieces: list[EvalPiece], *, seed_notes: int = 16, max_notes: int = 64,
                   batch_size: int = 64) -> dict[str, Row]:
    """Per-style (and "all") running sums for the neural model."""
    model = checkpoint.model.eval()
    device = next(model.parameters()).device
    styles = {name: i for i, name in enumerate(checkpoint.styles)}
    rows: dict[str, Row] = defaultdict(Row)
    pending: list = []

    def flush():
        batch = collate([p[1] for p in pending]).to(device)
        logits = model(batch.src, batch.src_len, batch.style, batch.dec_in, batch.targets)
        real = batch.targets[..., 0] >= 0
        for i, name in enumerate(V.TARGETS):
            nll = torch.nn.functional.cross_entropy(logits[i].transpose(1, 2).float(), batch.targets[..., i],
                                                    ignore_index=-100, reduction="none")
            correct = (logits[i].argmax(-1) == batch.targets[..., i]) & real
            for row, (style, _example) in enumerate(pending):
                for key in ("all", style or "unknown"):
                    rows[key].nll[name] += float(nll[row].sum())
                    rows[key].correct[name] += int(correct[row].sum())
        for row, (style, _example) in enumerate(pending):
            for key in ("all", style or "unknown"):
                rows[key].notes += int(real[row].sum())
                rows[key].pieces += 1
        pending.clear()

    for piece, steps in _examples(pieces, seed_notes, max_notes):
        src, dec_in, targets = make_example(steps, seed_notes)
        style_index = styles.get(piece.style, 0)
        pending.append((piece.style, (src, dec_in, targets, style_index, V.bar_grid(*piece.time_signature), 0)))
        if len(pending) == batch_size:
            flush()
    if pending:
        flush()
    return dict(rows)


@dataclass
class Baseline:
    models: dict[str, NGram]

    @classmethod
    def fit(cls, train: list[EvalPiece], validation: list[EvalPiece]) -> "Baseline":
        train_steps = [melody_steps(p) for p in train]
        # Order selection on a bounded slice of validation keeps fitting to seconds.
        valid_steps = [s.slice(0, 80) for s in (melody_steps(p) for p in validation[:150])]
        models = {}
        for name in V.TARGETS:
            models[name] = fit_best_order(V.TARGET_SIZES[name], [getattr(s, name) for s in train_steps],
                                          [getattr(s, name) for s in valid_steps])
        return cls(models)

    def orders(self) -> dict[str, int]:
        return {name: model.order for name, model in self.models.items()}

    def evaluate(self, pieces: list[EvalPiece], *, seed_notes: int = 16, max_notes: int = 64) -> dict[str, Row]:
        rows: dict[str, Row] = defaultdict(Row)
        for piece, steps in _examples(pieces, seed_notes, max_notes):
            keys = ("all", piece.style or "unknown")
            count = len(steps) - seed_notes
            for key in keys:
                rows[key].notes += count
                rows[key].pieces += 1
            for name, model in self.models.items():
                sequence = getattr(steps, name)
                for t in range(seed_notes, len(steps)):
                    probs = model.distribution(sequence[:t])
                    nll = -math.log(probs[sequence[t]])
                    hit = int(np.argmax(probs) == sequence[t])
                    for key in keys:
                        rows[key].nll[name] += nll
                        rows[key].correct[name] += hit
        return dict(rows)


def report(model_rows: dict[str, Row] | None, baseline_rows: dict[str, Row]) -> dict:
    """{"all": {...model row..., "baseline": {...}, "pitch_nll_reduction": r}, style: {...}, ...}"""
    out = {}
    for key in sorted(baseline_rows, key=lambda k: (k != "all", k)):
        base = baseline_rows[key].row()
        row = dict(model_rows[key].row()) if model_rows and key in model_rows else {}
        row["baseline"] = base
        if row.get("pitch_nll") is not None and base["pitch_nll"] > 0:
            row["pitch_nll_reduction"] = 1.0 - row["pitch_nll"] / base["pitch_nll"]
        out[key] = row
    return out


def format_report(result: dict) -> str:
    lines = [f"{'':18} {'pieces':>6} {'notes':>7} {'pitch nll':>10} {'pitch acc':>9} {'onset acc':>9} "
             f"{'dur acc':>8} {'joint nll':>9}"]
    for key, row in result.items():
        for label, values in (("model", row), ("n-gram", row["baseline"])):
            if "pitch_nll" not in values:
                continue
            lines.append(f"{key[:11] + ' ' + label:18} {values['pieces']:>6} {values['notes']:>7} "
                         f"{values['pitch_nll']:>10.3f} {values['pitch_acc']:>9.1%} {values['onset_acc']:>9.1%} "
                         f"{values['duration_acc']:>8.1%} {values['joint_nll']:>9.3f}")
        if "pitch_nll_reduction" in row:
            lines.append(f"{'':18} pitch cross-entropy {row['pitch_nll_reduction']:+.1%} vs n-gram "
                         f"({'lower is better: model wins' if row['pitch_nll_reduction'] > 0 else 'n-gram wins'})")
    return "\n".join(lines)
