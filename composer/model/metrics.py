"""Loss and the figures shown while training and evaluating: per attribute cross-entropy
(nats per note), perplexity and top-1 accuracy."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from composer.model import vocab as V


def step_losses(logits: list[torch.Tensor], targets: torch.Tensor) -> list[torch.Tensor]:
    """Summed (not averaged) cross-entropy of each head over the real notes."""
    return [F.cross_entropy(l.reshape(-1, l.shape[-1]).float(), targets[..., i].reshape(-1),
                            ignore_index=-100, reduction="sum") for i, l in enumerate(logits)]


class Tally:
    """Accumulates NLL sums and correct counts per attribute."""

    def __init__(self) -> None:
        self.nll = {t: 0.0 for t in V.TARGETS}
        self.correct = {t: 0 for t in V.TARGETS}
        self.notes = 0

    def add(self, logits: list[torch.Tensor], targets: torch.Tensor, losses: list[torch.Tensor] | None = None) -> None:
        losses = losses if losses is not None else step_losses(logits, targets)
        real = targets[..., 0] >= 0
        self.notes += int(real.sum())
        for i, name in enumerate(V.TARGETS):
            self.nll[name] += float(losses[i])
            self.correct[name] += int(((logits[i].argmax(-1) == targets[..., i]) & real).sum())

    def merge_tensor(self) -> torch.Tensor:
        """As one tensor, for all-reducing across DDP processes."""
        return torch.tensor([*self.nll.values(), *self.correct.values(), self.notes], dtype=torch.float64)

    @classmethod
    def from_tensor(cls, values: torch.Tensor) -> "Tally":
        tally, n = cls(), len(V.TARGETS)
        values = values.tolist()
        tally.nll = dict(zip(V.TARGETS, values[:n]))
        tally.correct = dict(zip(V.TARGETS, (int(v) for v in values[n : 2 * n])))
        tally.notes = int(values[-1])
        return tally

    def summary(self) -> dict[str, float]:
        notes = max(1, self.notes)
        out: dict[str, float] = {}
        for name in V.TARGETS:
            loss = self.nll[name] / notes
            out[f"{name}_loss"] = loss
            out[f"{name}_ppl"] = math.exp(min(loss, 50.0))
            out[f"{name}_acc"] = self.correct[name] / notes
        out["loss"] = sum(self.nll.values()) / notes
        out["notes"] = self.notes
        return out


def format_summary(prefix: str, summary: dict[str, float]) -> str:
    parts = [f"{prefix} loss {summary['loss']:.3f}"]
    for name in V.TARGETS:
        parts.append(f"{name} {summary[name + '_loss']:.3f}/ppl {summary[name + '_ppl']:.2f}/acc {summary[name + '_acc']:.1%}")
    return " | ".join(parts)
