"""The training corpus in memory: Piece, Corpus and load_corpus (and build_corpus, from build.py).

corpus.npz holds every piece of the last build as flat arrays (notes of all pieces concatenated,
with offsets), so loading is a few decompressions and no parsing. A Piece's notes are a
read-only view into that one array: copy before changing them (Augmenter returns new arrays).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from composer.data.cache import (
    CORPUS, FORMAT_VERSION, MANIFEST, default_cache_dir, key_arrays, keys_from_arrays, meter_arrays, meters_from_arrays,
    write_npz,
)
from composer.data.split import SPLITS
from composer.music.score import TICKS_PER_QUARTER


@dataclass(slots=True)
class Piece:
    id: str  # "<source>:<file path>#<index in file>"
    style: str
    source: str  # "<source>:<file path>"
    title: str
    notes: np.ndarray  # (N, 5) int32: onset, duration, pitch, velocity, voice (composer.data.cache)
    bpm: float
    time_signature: tuple[int, int]
    key: str | None  # e.g. "G:major" (composer.music.Key.parse reads it), None when unknown
    split: str  # "train", "validation" or "test"
    drum_voices: tuple[int, ...] = ()
    # (K, 4) int32 rows: onset tick, duration ticks, root pitch class 0-11, index into
    # composer.music.chords.QUALITIES; empty when the source has no chord symbols
    chords: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.int32))
    # The meter map: (M, 3) int32 rows (tick, numerator, denominator), each starting at a bar
    # line; the first tick is negative for a pickup (composer.music.meter.MeterMap.from_rows).
    meters: np.ndarray = field(default_factory=lambda: np.array([[0, 4, 4]], np.int32))
    keys: tuple[tuple[int, str], ...] = ()  # the key map: (tick, "G:major") pairs
    features: tuple[str, ...] = ()  # what the reader interpreted (composer.music.Score.features)

    @property
    def duration_ticks(self) -> int:
        if len(self.notes) == 0:
            return 0
        return int((self.notes[:, 0] + self.notes[:, 1]).max())

    @property
    def seconds(self) -> float:
        return self.duration_ticks * 60.0 / (self.bpm * TICKS_PER_QUARTER)


@dataclass(slots=True)
class Corpus:
    pieces: list[Piece]
    styles: list[str]  # stable order: built-in styles first (composer.data.styles), then user styles
    cache_dir: Path | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason) of the last build

    def split(self, name: str) -> list[Piece]:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; choose one of {', '.join(SPLITS)}")
        return [piece for piece in self.pieces if piece.split == name]

    def of_style(self, style: str) -> list[Piece]:
        return [piece for piece in self.pieces if piece.style == style]

    def __len__(self) -> int:
        return len(self.pieces)


class CorpusNotBuiltError(FileNotFoundError):
    """No usable corpus.npz in the cache directory; the message says how to build one."""


def _offsets(lengths) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def write_corpus_file(path: Path, pieces: list[Piece], styles: list[str], fingerprint: str) -> None:
    """Save pieces as corpus.npz (compressed, no pickle)."""
    style_index = {name: i for i, name in enumerate(styles)}
    split_index = {name: i for i, name in enumerate(SPLITS)}
    write_npz(
        path,
        format=np.array(FORMAT_VERSION),
        fingerprint=np.array(fingerprint),
        style_names=np.array(styles, dtype=str),
        notes=np.concatenate([p.notes for p in pieces]) if pieces else np.zeros((0, 5), np.int32),
        offsets=_offsets([len(p.notes) for p in pieces]),
        id=np.array([p.id for p in pieces], dtype=str),
        source=np.array([p.source for p in pieces], dtype=str),
        title=np.array([p.title for p in pieces], dtype=str),
        key=np.array([p.key or "" for p in pieces], dtype=str),
        style=np.array([style_index[p.style] for p in pieces], dtype=np.int16),
        split=np.array([split_index[p.split] for p in pieces], dtype=np.int8),
        bpm=np.array([p.bpm for p in pieces], dtype=np.float64),
        time_signature=np.array([p.time_signature for p in pieces], dtype=np.int32).reshape(-1, 2),
        drum_voices=np.array([v for p in pieces for v in p.drum_voices], dtype=np.int32),
        drum_offsets=_offsets([len(p.drum_voices) for p in pieces]),
        chords=np.concatenate([p.chords for p in pieces]) if pieces else np.zeros((0, 4), np.int32),
        chord_offsets=_offsets([len(p.chords) for p in pieces]),
        features=np.array([",".join(p.features) for p in pieces], dtype=str),
        **meter_arrays([p.meters for p in pieces]),
        **key_arrays([p.keys for p in pieces]),
    )


def corpus_fingerprint(path: Path) -> str | None:
    """The fingerprint stored in a corpus.npz, or None when it is missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT_VERSION:
                return None
            return str(data["fingerprint"])
    except (OSError, KeyError, ValueError):
        return None


def load_corpus(cache_dir: str | Path | None = None) -> Corpus:
    """Load the corpus built into cache_dir (default: composer.data.cache.default_cache_dir())."""
    cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    path = cache_dir / CORPUS
    if not path.is_file():
        raise CorpusNotBuiltError(f"{path}: no corpus built here yet; run `composer data build"
                                  f"{'' if cache_dir == default_cache_dir() else f' --cache {cache_dir}'}` first")
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT_VERSION:
                raise CorpusNotBuiltError(f"{path}: built by another version of Composer (format "
                                          f"{int(data['format'])}, this one reads {FORMAT_VERSION}); "
                                          "run `composer data build` again")
            arrays = {name: data[name] for name in data.files}
    except (OSError, KeyError, ValueError) as error:
        raise CorpusNotBuiltError(f"{path}: unreadable corpus cache ({error}); run `composer data build` again") from error

    notes, offsets = arrays["notes"], arrays["offsets"].tolist()
    notes.setflags(write=False)
    styles = arrays["style_names"].tolist()
    style_of = [styles[i] for i in arrays["style"].tolist()]
    split_of = [SPLITS[i] for i in arrays["split"].tolist()]
    drums, drum_offsets = arrays["drum_voices"].tolist(), arrays["drum_offsets"].tolist()
    signatures = [tuple(ts) for ts in arrays["time_signature"].tolist()]
    keys = arrays["key"].tolist()
    chords, chord_offsets = arrays["chords"], arrays["chord_offsets"].tolist()
    chords.setflags(write=False)
    meters, key_maps = meters_from_arrays(arrays), keys_from_arrays(arrays)
    arrays["meters"].setflags(write=False)
    features = [tuple(f.split(",")) if f else () for f in arrays["features"].tolist()]
    pieces = [
        Piece(id=piece_id, style=style_of[i], source=source, title=title,
              notes=notes[offsets[i]:offsets[i + 1]], bpm=bpm, time_signature=signatures[i],
              key=keys[i] or None, split=split_of[i], drum_voices=tuple(drums[drum_offsets[i]:drum_offsets[i + 1]]),
              chords=chords[chord_offsets[i]:chord_offsets[i + 1]],
              meters=meters[i], keys=key_maps[i], features=features[i])
        for i, (piece_id, source, title, bpm) in enumerate(zip(
            arrays["id"].tolist(), arrays["source"].tolist(), arrays["title"].tolist(), arrays["bpm"].tolist()))
    ]
    skipped = []
    try:
        manifest = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
        skipped = [(f["key"], f["error"]) for f in manifest.get("files", []) if f.get("error")]
    except (OSError, ValueError, KeyError):
        pass
    return Corpus(pieces=pieces, styles=styles, cache_dir=cache_dir, skipped=skipped)


def build_corpus(sources=None, cache_dir=None, workers: int | None = None, progress: bool = True, force: bool = False):
    """See composer.data.build.build_corpus."""
    from composer.data.build import build_corpus as _build

    return _build(sources, cache_dir, workers=workers, progress=progress, force=force)
