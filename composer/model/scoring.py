"""score_region: how well the model predicts the true notes of a region (teacher-forced), the
neural side of `composer evaluate` (continue, fill and accompany tasks)."""

from __future__ import annotations

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
    style_index = styles.index(style) if style in styles and style != NEUTRAL_STYLE else 0
    model = evaluation_mode(checkpoint.model_for(style_index))
    roles = voice_roles(notes, drum_voices) if len(notes) else {}
    steps = encode(notes, meters=meters if meters is not None and len(meters) else None,
                   bar_length=48 if meters is None or not len(meters) else None, drum_voices=drum_voices,
                   roles=roles, key=key, chords=chords)
    start = -(-region_start // V.TICKS_PER_GRID)
    end = region_end // V.TICKS_PER_GRID if region_end is not None else None
    inside = steps.onset >= start
    bar = int(steps.bar_len[np.argmax(inside)]) if inside.any() else 48
    example = build_example(steps, start=start, end=end, voices=set(voices), style=style_index, bar=bar,
                            max_context=MAX_CONTEXT, max_after=MAX_CONTEXT, max_targets=max_notes)
    empty = {name: np.zeros(0) for name in V.TARGETS}
    if example is None:
        return {**empty, **{f"{n}_correct": np.zeros(0, bool) for n in V.TARGETS}, "onset": np.zeros(0, np.int64)}
    device = next(model.parameters()).device
    batch = collate([example]).to(device)
    with torch.inference_mode():
        logprobs = model(*batch.model_inputs())
    out: dict[str, np.ndarray] = {}
    targets = batch.targets[0]
    for i, name in enumerate(V.TARGETS):
        lp = logprobs[i][0].float()
        out[name] = (-lp.gather(-1, targets[:, i : i + 1].clamp(min=0))[:, 0]).cpu().numpy()
        out[f"{name}_correct"] = (lp.argmax(-1) == targets[:, i]).cpu().numpy()
    onsets = np.cumsum(example.targets[:, V.TARGETS.index("delta")])  # relative; for ordering only
    out["onset"] = onsets
    return out
