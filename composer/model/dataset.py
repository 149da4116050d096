"""Training examples: (seed window, continuation window) pairs cut from pieces, batched as tensors.

An epoch visits every piece in windows of `target_length` notes with a random offset; the seed
length varies (users give short and long seeds). Polyphonic pieces are used both whole and as
their melody, since users seed with either and the evaluation protocol uses melodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.encoding import ONSET, PITCH, Steps, array_to_notes, encode, notes_to_array
from composer.music.score import Score, TimeSignature, Voice
from composer.music.transform import melody

Augment = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass
class TrainingPiece:
    notes: np.ndarray  # (N, 5) onset, duration, pitch, velocity, voice; sorted by onset
    style: int  # index into the checkpoint's style list (0 = neutral)
    bar_length: int  # grid ticks
    melody: np.ndarray | None = None  # the skyline melody when the piece is polyphonic


def melody_array(notes: np.ndarray, drum_voices: Sequence[int] = ()) -> np.ndarray:
    """The evaluation protocol's melody (highest note at each onset, drums left out) as an array."""
    voices = int(notes[:, 4].max()) + 1 if len(notes) else 1
    score = Score(notes=array_to_notes(notes), voices=[Voice(is_drum=i in drum_voices) for i in range(voices)])
    return notes_to_array(melody(score))


def make_piece(notes: np.ndarray, style: int, time_signature: tuple[int, int] = (4, 4),
               drum_voices: Sequence[int] = ()) -> TrainingPiece:
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 5)
    if drum_voices:
        notes = notes[~np.isin(notes[:, 4], list(drum_voices))]
    notes = notes[np.lexsort((-notes[:, PITCH], notes[:, ONSET]))]
    chords = len(notes) > 1 and bool(np.any(np.diff(notes[:, ONSET]) == 0))
    polyphonic = chords or len(np.unique(notes[:, 4])) > 1
    return TrainingPiece(notes=notes, style=style, bar_length=V.bar_grid(*time_signature),
                         melody=melody_array(notes) if polyphonic else None)


@dataclass
class Batch:
    src: torch.Tensor  # (B, S, F)
    src_len: torch.Tensor  # (B,)
    style: torch.Tensor  # (B,)
    dec_in: torch.Tensor  # (B, T, F)
    targets: torch.Tensor  # (B, T, 4), -100 = padding
    bar_length: torch.Tensor  # (B,)
    start_onset: torch.Tensor  # (B,) grid onset of the note before the first target

    def to(self, device) -> "Batch":
        return Batch(*(getattr(self, f).to(device, non_blocking=True) for f in self.__dataclass_fields__))

    @property
    def notes(self) -> int:
        return int((self.targets[..., 0] >= 0).sum())


def make_example(steps: Steps, seed_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps of one window -> (encoder input, decoder input, targets)."""
    src = steps.slice(0, seed_len).matrix()
    rest = steps.slice(seed_len, len(steps), fresh_start=False)
    targets = rest.matrix(V.TARGETS)
    dec_in = np.concatenate([src[-1:], rest.matrix()[:-1]], axis=0)
    return src, dec_in, targets


def collate(examples: list[tuple]) -> Batch:
    batch = len(examples)
    s_max = max(len(e[0]) for e in examples)
    t_max = max(len(e[2]) for e in examples)
    n_feat = len(V.FEATURES)
    src = np.zeros((batch, s_max, n_feat), dtype=np.int64)
    dec_in = np.zeros((batch, t_max, n_feat), dtype=np.int64)
    targets = np.full((batch, t_max, len(V.TARGETS)), -100, dtype=np.int64)
    for i, (s, d, t, _style, _bar, _onset) in enumerate(examples):
        src[i, : len(s)] = s
        dec_in[i, : len(d)] = d
        targets[i, : len(t)] = t
    return Batch(
        src=torch.from_numpy(src),
        src_len=torch.tensor([len(e[0]) for e in examples]),
        style=torch.tensor([e[3] for e in examples]),
        dec_in=torch.from_numpy(dec_in),
        targets=torch.from_numpy(targets),
        bar_length=torch.tensor([e[4] for e in examples]),
        start_onset=torch.tensor([e[5] for e in examples]),
    )


class WindowSampler:
    """Cuts pieces into training examples and yields batches.

    seed_range: (min, max) seed notes; target_length: notes to predict; melody_probability: how
    often a polyphonic piece is reduced to its melody; style_dropout: how often the style is
    replaced by the neutral one, so that "no style" works at generation time; windows_per_piece:
    at most this many windows of one piece per epoch (a random choice each epoch), so that a few
    long polyphonic works do not outweigh thousands of songs."""

    def __init__(self, pieces: list[TrainingPiece], *, batch_size: int = 64, seed_range=(8, 32),
                 target_length: int = 64, melody_probability: float = 0.5, style_dropout: float = 0.1,
                 augment: Augment | None = None, rank: int = 0, world: int = 1,
                 windows_per_piece: int | None = None):
        self.pieces = [p for p in pieces if len(p.notes) >= seed_range[0] + 2]
        self.batch_size, self.seed_range, self.target_length = batch_size, seed_range, target_length
        self.melody_probability, self.style_dropout, self.augment = melody_probability, style_dropout, augment
        self.rank, self.world = rank, world
        self.windows_per_piece = windows_per_piece

    def windows(self, rng: np.random.Generator) -> list[tuple[int, int]]:
        items = []
        for index, piece in enumerate(self.pieces):
            span = self.seed_range[1] + self.target_length
            offset = int(rng.integers(0, max(1, min(span, len(piece.notes)))))
            starts = list(range(0, max(1, len(piece.notes) - self.seed_range[0] - 1), span))
            if self.windows_per_piece and len(starts) > self.windows_per_piece:
                starts = sorted(rng.choice(starts, self.windows_per_piece, replace=False).tolist())
            items.extend((index, max(0, s - offset if s else 0)) for s in starts)
        order = rng.permutation(len(items))
        return [items[i] for i in order][self.rank :: self.world]

    def example(self, index: int, start: int, rng: np.random.Generator):
        piece = self.pieces[index]
        notes = piece.notes
        if piece.melody is not None and rng.random() < self.melody_probability:
            notes = piece.melody
            start = int(np.searchsorted(notes[:, ONSET], piece.notes[min(start, len(piece.notes) - 1), ONSET]))
        seed_len = int(rng.integers(self.seed_range[0], self.seed_range[1] + 1))
        need = seed_len + self.target_length
        window = notes[start : start + need + need // 8 + 4]
        if len(window) < self.seed_range[0] + 2:
            window = notes[max(0, len(notes) - need - need // 8 - 4):]
        if self.augment is not None:
            window = self.augment(window.copy(), rng)
        steps = encode(window, piece.bar_length)
        steps = steps.slice(0, min(len(steps), need))
        seed_len = min(seed_len, len(steps) - 1)
        if seed_len < 1:
            return None
        src, dec_in, targets = make_example(steps, seed_len)
        style = 0 if rng.random() < self.style_dropout else piece.style
        return src, dec_in, targets, style, piece.bar_length, int(steps.onset[seed_len - 1])

    def batches(self, rng: np.random.Generator) -> Iterator[Batch]:
        pending = []
        for index, start in self.windows(rng):
            example = self.example(index, start, rng)
            if example is not None:
                pending.append(example)
            if len(pending) == self.batch_size:
                yield collate(pending)
                pending = []
        if pending:
            yield collate(pending)

    def steps_per_epoch(self) -> int:
        count = sum(min(len(range(0, max(1, len(p.notes) - self.seed_range[0] - 1),
                                  self.seed_range[1] + self.target_length)), self.windows_per_piece or 1 << 30)
                    for p in self.pieces)
        return -(-count // (self.batch_size * self.world))


def mix_predictions(batch: Batch, predicted: torch.Tensor, ratio: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Scheduled sampling without a sequential loop: each decoder input after the first is built
    from the true previous note with probability `ratio` (teacher forcing) and from the model's own
    prediction of it otherwise. `predicted` (B, T, 4) comes from a teacher-forced pass."""
    truth = batch.targets.clamp(min=0)
    keep = torch.rand(truth.shape[:2], device=truth.device, generator=generator) < ratio
    mixed = torch.where(keep[..., None], truth, predicted)  # (B, T, 4): notes 0..T-1
    first = batch.dec_in[:, :1]  # the last seed note
    prev_pitch = torch.cat([first[:, :, 0], mixed[:, :-1, 0]], dim=1)
    pitch, delta, duration, velocity = mixed[:, :-1].unbind(-1)
    interval = (pitch - prev_pitch[:, :-1]).clamp(-V.MAX_INTERVAL, V.MAX_INTERVAL) + V.MAX_INTERVAL
    onset = batch.start_onset[:, None] + delta.cumsum(dim=1)
    position = onset % batch.bar_length[:, None]
    rest = torch.stack([pitch, delta, duration, velocity, interval, position], dim=-1)
    return torch.cat([first, rest], dim=1)
