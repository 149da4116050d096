"""Autoregressive sampling: temperature, top-p, key lock, N variations in one batched pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.encoding import Steps
from composer.model.network import Seq2Seq
from composer.music.scales import Key

LOWEST, HIGHEST = 21, 108  # the piano's range: the co-writer never leaves it


class Cancelled(Exception):
    """Raised when the caller's cancel() returned True between two steps."""


@dataclass
class SamplingOptions:
    length: int = 32
    temperature: float = 1.0
    top_p: float = 0.95
    key: Key | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.length < 1:
            raise ValueError("length must be at least one note")
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0 (0 = always the most likely note)")
        if not 0.0 < self.top_p <= 1.0:
            raise ValueError("top-p must be in (0, 1]")


def allowed_pitches(key: Key | None) -> torch.Tensor:
    mask = torch.zeros(V.N_PITCH, dtype=torch.bool)
    mask[LOWEST:HIGHEST + 1] = True
    if key is not None:
        in_key = torch.tensor([key.contains(p) for p in range(V.N_PITCH)])
        mask &= in_key
    return mask


def pick(logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator) -> torch.Tensor:
    """Sample one index per row. Masked entries must already be -inf (probability exactly 0).

    Top-p (nucleus): keep the most likely entries until their mass reaches top_p, then draw by
    inverse CDF in the sorted order (cheaper than renormalising and calling multinomial)."""
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    cumulative = sorted_probs.cumsum(dim=-1)
    if top_p < 1.0:
        kept = (cumulative - sorted_probs) < top_p  # the first entry is always kept
        sorted_probs = sorted_probs * kept
        cumulative = sorted_probs.cumsum(dim=-1)
    draw = torch.rand(probs.shape[0], 1, generator=generator, device=probs.device) * cumulative[:, -1:]
    index = torch.searchsorted(cumulative, draw, right=True).clamp(max=probs.shape[-1] - 1)
    # Rounding can land on a zero-probability tail entry; step back to the last kept one.
    zero = sorted_probs.gather(1, index) == 0
    if zero.any():
        last_kept = (sorted_probs > 0).sum(dim=-1, keepdim=True) - 1
        index = torch.where(zero, last_kept, index)
    return order.gather(1, index).squeeze(1)


@torch.inference_mode()
def sample(
    model: Seq2Seq,
    seed: Steps,
    style: int,
    variations: int,
    options: SamplingOptions,
    bar_length: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[dict[str, np.ndarray]]:
    """Continue `seed` by options.length notes, `variations` times. Returns one dict per variation
    with int arrays pitch, delta, duration, velocity (vocabulary indices)."""
    if len(seed) == 0:
        raise ValueError("the seed holds no notes to continue")
    model.eval()
    device = next(model.parameters()).device
    generator = torch.Generator(device=device)
    generator.manual_seed(options.seed if options.seed is not None else int(torch.seed() % 2**63))

    src = torch.as_tensor(seed.matrix(), device=device)[None]
    memory = model.encode(src, torch.tensor([len(seed)]), torch.tensor([style], device=device))
    memory = model.expand_memory(memory, variations)
    state = memory["state"]
    pitch_mask = allowed_pitches(options.key).to(device)
    if not pitch_mask.any():
        raise ValueError(f"key lock {options.key} leaves no playable pitch")

    step = torch.as_tensor(seed.matrix()[-1], device=device).repeat(variations, 1)  # (B, F)
    prev_pitch = step[:, 0].clone()
    onset = torch.full((variations,), int(seed.onset[-1]), dtype=torch.long, device=device)
    out = {name: [] for name in V.TARGETS}
    neg_inf = torch.tensor(float("-inf"), device=device)
    for t in range(options.length):
        if cancel is not None and cancel():
            raise Cancelled()
        h, state = model.decode_step(step, memory, state)
        chosen = []
        for i, head in enumerate(model.heads):
            if i == 0:
                logits = torch.where(pitch_mask, model.pitch_logits(h, prev_pitch), neg_inf)
            else:
                logits = head(h)
            if i == 1:
                # Within a chord, notes are ordered top-down, so a delta of 0 needs a lower pitch.
                no_chord = chosen[0] >= prev_pitch
                logits[:, 0] = torch.where(no_chord, neg_inf, logits[:, 0])
            value = pick(logits, options.temperature, options.top_p, generator)
            chosen.append(value)
            if i < len(model.condition):
                h = h + model.condition[i](value)
        pitch, delta, duration, velocity = chosen
        onset = onset + delta
        interval = (pitch - prev_pitch).clamp(-V.MAX_INTERVAL, V.MAX_INTERVAL) + V.MAX_INTERVAL
        step = torch.stack([pitch, delta, duration, velocity, interval, onset % bar_length], dim=-1)
        prev_pitch = pitch
        for name, value in zip(V.TARGETS, chosen):
            out[name].append(value)
        if progress is not None:
            progress(t + 1, options.length)
    arrays = {name: torch.stack(values, dim=1).cpu().numpy() for name, values in out.items()}
    return [{name: arrays[name][b] for name in V.TARGETS} for b in range(variations)]
