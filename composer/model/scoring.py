"""score_region: how well the model predicts the true notes of a region (teacher-forced), the
neural side of `composer evaluate` (continue, fill and accompany tasks)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.checkpoint import NEUTRAL_STYLE, Checkpoint
from composer.model.dataset import build_example, collate
from composer.model.encoding import encode, voice_roles
from composer.model.network import evaluation_mode

MAX_CONTEXT = 1024


def score_region(checkpoint: Checkpoint, notes: np.ndarray, *, meters=None, style: str | None = None,
                 key: str | None = None, chords: np.ndarray | None = None, region_start: int,
                 region_end: int | None = None, voices: tuple[int, ...] = (0,), drum_voices=(),
                 max_notes: int | None = None) -> dict[str, np.ndarray]:
    """Per-note negative log-likelihoods (nats) and top-1 correctness of the notes of `voices`
    with onset in [region_start, region_end) (score ticks; end None = to the end, at most
    `max_notes`), each predicted given every earlier true note, the other voices and, for a
    bounded region, the notes after it (teacher forcing).

    notes: (N, 5) int onset, duration, pitch, velocity, voice; meters: rows (tick, numerator,
    denominator) (None = 4/4); chords: (K, 4) rows onset, duration, root, quality.
    Returns {"pitch": nll (M,), ..., "pitch_correct": bool (M,), ..., "onset": grid onsets (M,)}
    for the M scored notes, in the model's step order (onset, then pitch from the top down)."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 5)
    styles = checkpoint.styles
    if style == INFER_STYLE:
        return _score_style_mixture(checkpoint, notes, meters=meters, key=key, chords=chords,
                                    region_start=region_start, region_end=region_end, voices=voices,
                                    drum_voices=drum_voices, max_notes=max_notes)
    style_index = styles.index(style) if style in styles and style != NEUTRAL_STYLE else 0
    example = _example(notes, meters, key, chords, region_start, region_end, voices, drum_voices, max_notes,
                       style_index)
    if example is None:
        return _nothing()
    logprobs = _forward(checkpoint, [example])
    out = _scored(example, [lp[0].float() for lp in logprobs])
    return out


INFER_STYLE = "infer"  # score_region's style: the posterior mixture over the model's styles
# The attributes whose likelihood moves the style posterior: velocity is left out, as the corpus
# has none and a file's velocities say nothing of its style to this model.
EVIDENCE = ("voice", "pitch", "delta", "duration")
MAX_EVIDENCE = 256  # notes before the region that weigh the styles, at most (the latest)


def _example(notes, meters, key, chords, region_start, region_end, voices, drum_voices, max_notes, style_index):
    roles = voice_roles(notes, drum_voices) if len(notes) else {}
    steps = encode(notes, meters=meters if meters is not None and len(meters) else None,
                   bar_length=48 if meters is None or not len(meters) else None, drum_voices=drum_voices,
                   roles=roles, key=key, chords=chords)
    start = -(-region_start // V.TICKS_PER_GRID)
    end = region_end // V.TICKS_PER_GRID if region_end is not None else None
    inside = steps.onset >= start
    bar = int(steps.bar_len[np.argmax(inside)]) if inside.any() else 48
    return build_example(steps, start=start, end=end, voices=set(voices), style=style_index, bar=bar,
                         max_context=MAX_CONTEXT, max_after=MAX_CONTEXT, max_targets=max_notes)


def _nothing() -> dict[str, np.ndarray]:
    return {**{name: np.zeros(0) for name in V.TARGETS}, **{f"{n}_correct": np.zeros(0, bool) for n in V.TARGETS},
            "onset": np.zeros(0, np.int64)}


def _forward(checkpoint: Checkpoint, examples: list) -> list[torch.Tensor]:
    """The heads' log-probabilities (one (B, T, size) tensor per target) of examples of one
    network (the style of the first)."""
    model = evaluation_mode(checkpoint.model_for(examples[0].style))
    device = next(model.parameters()).device
    batch = collate(examples).to(device)
    with torch.inference_mode():
        return model(*batch.model_inputs())


def _scored(example, logprobs: list[torch.Tensor]) -> dict[str, np.ndarray]:
    """score_region's dict from one example's per-target log-probabilities (T, size) each."""
    out: dict[str, np.ndarray] = {}
    targets = torch.as_tensor(example.targets, device=logprobs[0].device)
    for i, name in enumerate(V.TARGETS):
        lp = logprobs[i]
        out[name] = (-lp.gather(-1, targets[:, i : i + 1].clamp(min=0))[:, 0]).cpu().numpy()
        out[f"{name}_correct"] = (lp.argmax(-1) == targets[:, i]).cpu().numpy()
    out["onset"] = np.cumsum(example.targets[:, V.TARGETS.index("delta")])  # relative; for ordering only
    return out


def _style_logprobs(checkpoint: Checkpoint, example) -> list[torch.Tensor]:
    """Per target, (S, T, size) log-probabilities of the example under each of the S styles (the
    styles of the shared network in one batch, each style with weights of its own on its own)."""
    shared = [i for i, name in enumerate(checkpoint.styles) if name not in checkpoint.own]
    parts = {i: None for i in range(len(checkpoint.styles))}
    for group in [shared] + [[i] for i in range(len(checkpoint.styles)) if i not in shared]:
        logprobs = _forward(checkpoint, [dataclasses.replace(example, style=i) for i in group])
        for row, i in enumerate(group):
            parts[i] = [lp[row].float() for lp in logprobs]
    return [torch.stack([parts[i][t] for i in range(len(checkpoint.styles))]) for t in range(len(V.TARGETS))]


def _score_style_mixture(checkpoint: Checkpoint, notes: np.ndarray, *, meters, key, chords, region_start: int,
                         region_end: int | None, voices, drum_voices, max_notes) -> dict[str, np.ndarray]:
    """score_region for music of no known style: each note predicted by the mixture of the model's
    style-conditioned predictions, weighted by the posterior of the styles given everything before
    it (Bayesian model averaging, a uniform prior over the styles): the notes before the region
    (all voices, as a piece from its start) and, note by note, the region's notes already scored,
    and within a note its attributes already scored (EVIDENCE). A mixture's log-loss is at most
    the best single style's plus log(number of styles). Top-1 flags: the mixture's argmax."""
    example = _example(notes, meters, key, chords, region_start, region_end, voices, drum_voices, max_notes, 0)
    if example is None:
        return _nothing()
    logprobs = _style_logprobs(checkpoint, example)  # per target (S, T, size)
    n_styles = logprobs[0].shape[0]
    log_w = torch.full((n_styles,), -math.log(n_styles))
    before = notes[notes[:, 0] < region_start][-MAX_EVIDENCE:]
    if len(before):
        evidence = _example(before, meters, key, chords, 0, None,
                            tuple(sorted(set(before[:, 4].tolist()))), drum_voices, None, 0)
        if evidence is not None:
            seen = _style_logprobs(checkpoint, evidence)
            targets = torch.as_tensor(evidence.targets)
            for i, name in enumerate(V.TARGETS):
                if name in EVIDENCE:
                    log_w = log_w + seen[i].gather(-1, targets[None, :, i : i + 1].clamp(min=0)
                                                   .expand(n_styles, -1, 1))[..., 0].sum(-1)
    targets = torch.as_tensor(example.targets)
    steps = targets.shape[0]
    mixed = [torch.empty(steps, lp.shape[-1]) for lp in logprobs]
    for t in range(steps):
        for i, name in enumerate(V.TARGETS):
            weights = torch.log_softmax(log_w, dim=0)
            mixed[i][t] = torch.logsumexp(weights[:, None] + logprobs[i][:, t], dim=0)
            if name in EVIDENCE:
                log_w = log_w + logprobs[i][:, t, int(targets[t, i].clamp(min=0))]
    return _scored(example, mixed)
