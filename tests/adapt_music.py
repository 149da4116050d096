"""Music the adapt tests write for themselves: random-walk tunes on C in a chosen mode, as MIDI
files in a folder, and a tiny co-writer trained on two modes in seconds (real training)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from composer.io import write_midi
from composer.music import Note, Score

MAJOR = [0, 2, 4, 5, 7, 9, 11]
LYDIAN = [0, 2, 4, 6, 7, 9, 11]
PHRYGIAN = [0, 1, 3, 5, 7, 8, 10]
FOREIGN = {1, 3, 8, 10}  # Phrygian pitch classes that neither C major nor C Lydian has


def tune(rng: np.random.Generator, scale: list[int], notes: int = 48) -> Score:
    """A random walk over a scale on C (steps of one or two degrees), in straight eighths."""
    degree, out, onset = 7, [], 0
    for _ in range(notes):
        octave, index = divmod(degree, 7)
        out.append(Note(48 + 12 * octave + scale[index], onset, 240, 90))
        onset += 240
        degree = int(np.clip(degree + rng.choice([-2, -1, 1, 2]), 0, 20))
    return Score(notes=out)


def write_folder(folder: Path, scale: list[int], count: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for i in range(count):
        write_midi(tune(rng, scale), folder / f"tune{i:02d}.mid")
    return folder


def train_base(root: Path) -> tuple[Path, Path]:
    """A tiny co-writer trained on C major and C Lydian tunes (two styles, so that it learns to
    use its style input) -> (checkpoint, corpus cache)."""
    import torch

    from composer.data.corpus import build_corpus, load_corpus
    from composer.model.network import NetworkConfig
    from composer.train import TrainConfig, Trainer, pieces_from_corpus

    torch.set_num_threads(1)
    write_folder(root / "music" / "major", MAJOR, 30, seed=1)
    write_folder(root / "music" / "lydian", LYDIAN, 30, seed=5)
    cache = root / "cache"
    build_corpus([str(root / "music")], cache, progress=False, workers=1)
    data = pieces_from_corpus(load_corpus(cache))
    wanted = dict(out=str(root / "base.safetensors"), epochs=25, batch_size=16, lr=3e-3, teacher_forcing=1.0,
                  patience=1000, seed=0, seed_range=(8, 16), target_length=24, augment=False,
                  network=NetworkConfig(embed=48, encoder_hidden=32, decoder_hidden=64, encoder_layers=1,
                                        decoder_layers=1, dropout=0.0, relative_pitch=True))
    config = TrainConfig(**{k: v for k, v in wanted.items() if k in TrainConfig.__dataclass_fields__})
    Trainer(config, data, progress=False, log=lambda _line: None).fit()
    return root / "base.safetensors", cache
