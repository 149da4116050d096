"""Continuer: (Score, options) -> [Score variations]. The one entry point to the co-writer for the
command line and the window."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import torch

from composer.model.checkpoint import NEUTRAL_STYLE, Checkpoint, CheckpointError, load_checkpoint
from composer.model.encoding import bar_length_of, decode, encode_score
from composer.model.sampling import Cancelled, SamplingOptions, sample
from composer.music.scales import Key, estimate_key
from composer.music.score import Score

MAX_SEED_NOTES = 48  # the longest seed the default model saw in training
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default.safetensors"

__all__ = ["Continuer", "Cancelled", "CheckpointError", "default_model_path"]


def default_model_path() -> Path:
    """$COMPOSER_MODEL if set, else the model shipped in models/."""
    return Path(os.environ["COMPOSER_MODEL"]) if os.environ.get("COMPOSER_MODEL") else DEFAULT_MODEL


class Continuer:
    def __init__(self, checkpoint: Checkpoint, path: Path | None = None):
        self.checkpoint = checkpoint
        self.model = checkpoint.model.eval()
        self.path = path

    @classmethod
    def load(cls, checkpoint: str | Path | None = None, *, threads: int | None = 1,
             device: str = "cpu") -> "Continuer":
        """Load a checkpoint (None = the shipped default). Raises CheckpointError with a message
        that names the file and the problem. `threads` caps torch's CPU threads so that audio and
        MIDI threads are never starved; one is also the fastest for note-by-note sampling, whose
        matrices are too small to split, and OpenMP threads spin badly when cores are busy."""
        if threads:
            torch.set_num_threads(max(1, min(threads, os.cpu_count() or 1)))
        path = Path(checkpoint) if checkpoint is not None else default_model_path()
        if checkpoint is None and not path.exists():
            raise CheckpointError(path, "the shipped default model is missing: reinstall Composer, or train "
                                        "one with `composer train` and pass --model / set COMPOSER_MODEL")
        return cls(load_checkpoint(path, device), path)

    @property
    def styles(self) -> list[str]:
        """The styles this model knows, "neutral" first (= no particular style)."""
        return list(self.checkpoint.styles)

    def style_index(self, style: str | None) -> int:
        if style is None or style == NEUTRAL_STYLE:
            return 0
        try:
            return self.checkpoint.styles.index(style)
        except ValueError:
            raise ValueError(f"unknown style {style!r}; this model knows: {', '.join(self.styles)}") from None

    def continue_score(
        self,
        score: Score,
        *,
        length: int = 32,
        variations: int = 1,
        style: str | None = None,
        temperature: float = 1.0,
        top_p: float = 0.95,
        key: Key | str | None = None,
        seed: int | None = None,
        bars: int | None = None,
        voice: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> list[Score]:
        """Continue `score` (all its non-drum notes are the seed). Each returned Score holds the
        seed's notes followed by at least `length` new notes marked generated=True (with `bars`,
        the new notes fill that many bars instead). `key` locks pitches to a Key, "C:major", or
        "auto" (estimated from the seed). Raises Cancelled if cancel() turns True."""
        if variations < 1:
            raise ValueError("variations must be at least 1")
        steps = encode_score(score)
        if len(steps) == 0:
            raise ValueError("there are no notes to continue: draw or play a few first")
        steps = steps.slice(max(0, len(steps) - MAX_SEED_NOTES), len(steps))
        if isinstance(key, str):
            key = (estimate_key(score.notes) if key == "auto" else Key.parse(key))
        bar_ticks = score.time_signature.bar_ticks
        steps_to_sample = length if bars is None else max(4, bars * 24)
        options = SamplingOptions(length=steps_to_sample, temperature=temperature, top_p=top_p, key=key, seed=seed)
        results = sample(self.model, steps, self.style_index(style), variations, options, bar_length_of(score),
                         progress=progress, cancel=cancel)
        drums = {i for i, v in enumerate(score.voices) if v.is_drum}
        melodic = [n for n in score.notes if n.voice not in drums]
        last = max(melodic, key=lambda n: (n.onset, -n.pitch))
        target_voice = last.voice if voice is None else voice
        out = []
        for result in results:
            new = decode(result["pitch"], result["delta"], result["duration"], result["velocity"],
                         start_onset=last.onset, voice=target_voice)
            if bars is not None:
                first_bar = (last.onset // bar_ticks + 1) * bar_ticks
                new = [n for n in new if n.onset < first_bar + bars * bar_ticks] or new[:1]
            variation = score.copy(notes=[*score.notes, *new])
            out.append(variation)
        return out
