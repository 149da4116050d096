"""The co-writer service: a GenerationRequest (composer.request: a region of a score, the
controls and sampling options) -> [Score variations]. The one entry point to the model for the
command line and the window; continue, fill a gap and add a part are all requests.

Continuer is the older continue-only interface (scripts, benchmarks, call and response): a thin
layer that builds a continue request."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from composer.model.checkpoint import NEUTRAL_STYLE, Checkpoint, CheckpointError, load_checkpoint
from composer.model.dynamics import follow_dynamics
from composer.model.feel import PlayedFeel
from composer.model.region_writer import score_meters, write_region
from composer.model.sampling import Cancelled
from composer.music.hands import HandsView
from composer.music.region import Controls, Region
from composer.music.releases import released
from composer.music.roles import infer_roles
from composer.music.scales import Key
from composer.music.score import Score, Voice
from composer.music.strum import strum_styles, strummed
from composer.request import GenerationRequest, apply_result, continue_request, key_sections

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default.safetensors"

__all__ = ["CoWriter", "Continuer", "Cancelled", "CheckpointError", "Controls", "GenerationRequest", "Region",
           "default_model_path"]


def default_model_path() -> Path:
    """$COMPOSER_MODEL if set, else the model shipped in models/."""
    return Path(os.environ["COMPOSER_MODEL"]) if os.environ.get("COMPOSER_MODEL") else DEFAULT_MODEL


class CoWriter:
    """A loaded co-writer model. generate() answers any GenerationRequest."""

    def __init__(self, checkpoint: Checkpoint, path: Path | None = None):
        self.checkpoint = checkpoint
        self.model = checkpoint.model.eval()
        self.path = path
        # What the last generate() worked around, to be said with its variations (a one-track piano
        # written as two hands), found while writing them rather than worked out again by callers.
        self.notices: tuple[str, ...] = ()
        # ... and the request as the model wrote it (a two-handed part's hands as two voices, left
        # hands appended) with each variation's new notes in its voices: a note cap is per hand.
        self.written: tuple[GenerationRequest | None, list[list]] = (None, [])

    @classmethod
    def load(cls, checkpoint: str | Path | None = None, *, threads: int | None = 1, device: str = "cpu"):
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

    def check_style(self, style: str | None) -> str | None:
        """None for the neutral style; raises ValueError naming the known styles."""
        if style is None or style == NEUTRAL_STYLE:
            return None
        if style not in self.checkpoint.styles:
            raise ValueError(f"unknown style {style!r}; this model knows: {', '.join(self.styles)}")
        return style

    def style_index(self, style: str | None) -> int:
        style = self.check_style(style)
        return 0 if style is None else self.checkpoint.styles.index(style)

    def generate(self, request: GenerationRequest, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> list[Score]:
        """request.variations Scores: each the request's score with the region's notes (target
        voices, chords starting inside the span: Region.members) replaced by new notes marked
        generated=True, each in its voice; notes outside the region untouched. Raises ValueError
        for a request the score cannot serve (no context notes, unknown style), Cancelled if
        cancel() turns True."""
        context = played = request.context()
        if not context.notes:
            if request.score.notes:  # a fill over every note: "no notes to continue" was untrue
                raise ValueError("the bars to rewrite hold every note of the piece, so no music is left "
                                 "around them to go by: fill fewer bars or fewer voices")
            raise ValueError("there are no notes to continue: draw or play a few first")
        style = self.check_style(request.style)
        asked, view = request, HandsView.of(request.score, context)
        said = view.said(request.score, request.region.voices) if view is not None else None
        self.notices = (said,) if said else ()
        if view is not None:  # a keyboard part played with both hands is written as two hands
            request = replace(request, score=view.score,
                              region=replace(request.region, voices=view.voices(request.region.voices)))
            context = request.context()
        sections = key_sections(request, context)
        if len(sections) > 1:
            results = self._write_by_key_section(request, context, style, sections, progress, cancel)
        else:
            results = write_region(
                self.checkpoint, context, request.region, style=style, key=request.resolved_key(context),
                chords=request.chords, controls=request.controls, temperature=request.temperature,
                top_p=request.top_p, seed=request.seed, variations=request.variations,
                max_notes=request.length, bars=request.bars, progress=progress, cancel=cancel,
                replaced=request.replaced(),
                key_detected=request.key_widens_to_chords())
        self.written = (request, results)
        if view is not None:
            results = [view.merge(notes) for notes in results]
        # (after the hands are one part again: a chord of both hands moves as one, QA qa29 2)
        results = self._with_feel(asked, played, results)
        # A part that strums or rolls its chords has the written ones strummed as it does, judged
        # and played on its own voice: a keyboard's roll runs on from the left hand to the right.
        strums = strum_styles([n for n in played.notes if not played.voices[n.voice].is_drum], played.meter_map())
        strums = {v: style for v, style in strums.items() if v in asked.region.voices}
        if strums:
            meters = asked.score.meter_map()
            results = [strummed(notes, strums, meters, end=asked.region.end) for notes in results]
        if view is not None:
            return [apply_result(asked, notes) for notes in results]
        return [apply_result(request, notes, context) for notes in results]

    @staticmethod
    def _with_feel(request: GenerationRequest, context: Score, results: list[list]) -> list[list]:
        """The new notes with the timing and velocity deviations of their played parts
        (composer.model.feel), each variation drawn from the request's seed and its number; a grid
        chosen in the controls keeps the onsets on it."""
        drums = [i for i, v in enumerate(context.voices) if v.is_drum]
        feel = PlayedFeel(context.notes, score_meters(context), drums)
        # (a key still comes up before it is struck again: a note moved late had sounded into the
        # next strike of its pitch moved early, which the synth then cut short, QA qa29 1)
        return [released(feel.apply(notes, start=request.region.start, end=request.region.end,
                                    timing=request.controls.grid is None,
                                    rng=np.random.default_rng(None if request.seed is None else [request.seed, k])),
                         context.notes, frozenset(drums))
                for k, notes in enumerate(results)]

    def _write_by_key_section(self, request: GenerationRequest, context: Score, style: str | None,
                              sections: list[tuple[int, int]], progress, cancel) -> list[list]:
        """A region across written key changes, one key section after another, each locked to its
        own key (request.resolved_key of that section); a later section of each variation is
        written with the earlier ones' new notes as context, so the parts run on across the change.
        One key lock for the whole span locked an added part to the key of the whole piece: a bass
        added under a song in G major that modulates to Eb major played B, F# and A naturals in
        the Eb bars (QA)."""
        variations = request.variations
        results: list[list] = [[] for _ in range(variations)]
        calls, done = 1 + (len(sections) - 1) * variations, 0
        # Parts being added (no notes in the context): after the first section their notes are the
        # earlier sections', and they are still planned as added parts (region_writer: new_parts).
        added = tuple(v for v in request.region.voices if not any(n.voice == v for n in context.notes))
        for k, (start, end) in enumerate(sections):
            part = replace(request, region=replace(request.region, start=start, end=end))
            replaced = part.replaced()
            rows = [None] if k == 0 else list(range(variations))
            for i in rows:
                score = context if i is None else context.copy(notes=[*context.notes, *results[i]])
                step = (lambda d, t, base=done: progress(base * 1000 + d * 1000 // max(1, t), calls * 1000)) \
                    if progress is not None else None
                written = write_region(
                    self.checkpoint, score, part.region, style=style, key=part.resolved_key(score),
                    chords=request.chords, controls=request.controls, temperature=request.temperature,
                    top_p=request.top_p, variations=variations if i is None else 1,
                    seed=None if request.seed is None else request.seed + 7919 * k + (i or 0),
                    max_notes=request.length, progress=step, cancel=cancel, replaced=replaced,
                    new_parts=added if k else (), key_detected=request.key_widens_to_chords())
                for j, notes in enumerate(written):
                    results[j if i is None else i] += notes
                done += 1
        # Dynamics over the whole span, as one region's: a part added across the change takes the
        # other parts' levels there, not its own first section's.
        replaced = request.replaced()
        drums = [i for i, v in enumerate(context.voices) if v.is_drum]
        roles = infer_roles(context)
        return [follow_dynamics(notes, context.notes, start=request.region.start, end=request.region.end,
                                meters=score_meters(context), drum_voices=drums, replaced=replaced, roles=roles)
                for notes in results]


class Continuer(CoWriter):
    """Continue-only interface kept for scripts and benchmarks (a continue request underneath)."""

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
        controls: Controls | None = None,
    ) -> list[Score]:
        """Continue `score` after its end: `voice`, or every voice sounding at the end, each in
        its own voice. Each returned Score holds the score's notes followed by up to `length` new
        notes marked generated=True (with `bars`, the new notes fill that many bars instead).
        `key` locks pitches to a Key, "C:major", or "auto" (estimated from the score); None = no
        lock. `controls`: composer.music.region.Controls for the new notes (range, density,
        polyphony, grid, chord strength), as GenerationRequest.controls; None = Controls() (each
        left to the model and the style). Raises ValueError for a score without notes, Cancelled
        if cancel() turns True."""
        if variations < 1:
            raise ValueError("variations must be at least 1")
        if not score.notes:
            raise ValueError("there are no notes to continue: draw or play a few first")
        if voice is not None and voice >= len(score.voices):  # a voice the caller draws in but the score lacks
            score = score.copy()
            score.voices += [Voice(name=f"Voice {i + 1}") for i in range(len(score.voices), voice + 1)]
        request = continue_request(
            score, None if voice is None else (voice,), style=style, key=key, temperature=temperature,
            top_p=top_p, variations=variations, seed=seed, length=None if bars is not None else length, bars=bars,
            controls=controls or Controls())
        return self.generate(request, progress, cancel)
