"""The on-disk corpus cache: one compressed entry per parsed source file, a manifest, and the
consolidated corpus.npz that load_corpus reads.

Layout of a cache directory:

    files/<sha[:2]>/<sha>.v<FORMAT_VERSION>.npz        pieces parsed from one source file
    files/<sha[:2]>/<sha>.v<FORMAT_VERSION>.fail.txt   why that file could not be read
    manifest.json                                       the last build: sources, files, skipped files
    corpus.npz                                          every piece, ready to load

Entries are keyed on the sha256 of the source file's bytes plus FORMAT_VERSION, so a rebuild
parses only new or changed files (bump FORMAT_VERSION when the parse output changes). Everything
is numpy arrays saved with np.savez_compressed and read with allow_pickle=False: no pickle.

Notes are int32 arrays of shape (N, 5), columns NOTE_COLUMNS, in ticks at TICKS_PER_QUARTER per
quarter note, sorted by onset, then pitch ascending, then voice (the order of
Score.sorted_notes).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from composer.music.chords import chord_rows
from composer.music.score import Score

FORMAT_VERSION = 5  # 2: chord tracks (chords, chord_offsets); 3: meter and key maps, reading features;
# 4: grace notes sound, MusicXML repeats/transposition/dynamics/drums, reading problems per file;
# 5: MusicXML chord symbols written out with the repeats, as the notes are
NOTE_COLUMNS = ("onset", "duration", "pitch", "velocity", "voice")
ONSET, DURATION, PITCH, VELOCITY, VOICE = range(5)
MAX_TITLE = 160
MANIFEST = "manifest.json"
CORPUS = "corpus.npz"


def default_cache_dir() -> Path:
    """$COMPOSER_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/composer/corpus."""
    if os.environ.get("COMPOSER_CACHE"):
        return Path(os.environ["COMPOSER_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "composer" / "corpus"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def entry_path(cache_dir: Path, sha: str) -> Path:
    return cache_dir / "files" / sha[:2] / f"{sha}.v{FORMAT_VERSION}.npz"


def failure_path(cache_dir: Path, sha: str) -> Path:
    return cache_dir / "files" / sha[:2] / f"{sha}.v{FORMAT_VERSION}.fail.txt"


def notes_array(score: Score) -> np.ndarray:
    """A Score's notes as an (N, 5) int32 array in NOTE_COLUMNS order, sorted (see module doc)."""
    rows = np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in score.notes], dtype=np.int64)
    if rows.size == 0:
        return np.zeros((0, 5), dtype=np.int32)
    order = np.lexsort((rows[:, VOICE], rows[:, PITCH], rows[:, ONSET]))
    return np.ascontiguousarray(rows[order], dtype=np.int32)


@dataclass(slots=True)
class FileEntry:
    """The pieces of one source file, as stored in its cache entry."""

    notes: list[np.ndarray]
    bpm: list[float]
    time_signature: list[tuple[int, int]]
    key: list[str | None]
    title: list[str]
    drum_voices: list[tuple[int, ...]]
    # (K, 4) int32 per piece: onset, duration, root pitch class, quality index (composer.music.chords)
    chords: list[np.ndarray] = field(default_factory=list)
    meters: list[np.ndarray] = field(default_factory=list)  # (M, 3) int32: tick, numerator, denominator
    keys: list[tuple[tuple[int, str], ...]] = field(default_factory=list)  # (tick, "G:major") pairs
    features: list[tuple[str, ...]] = field(default_factory=list)  # Score.features, sorted
    problems: list[str] = field(default_factory=list)  # what reading the file worked around (all pieces)

    @classmethod
    def from_scores(cls, scores: list[Score]) -> "FileEntry":
        entry = cls([], [], [], [], [], [])
        for score in scores:
            if not score.notes:
                continue
            entry.notes.append(notes_array(score))
            entry.bpm.append(round(float(score.bpm), 3))
            entry.time_signature.append((score.time_signature.numerator, score.time_signature.denominator))
            entry.key.append(str(score.key) if score.key is not None else None)
            entry.title.append(" ".join(score.title.split())[:MAX_TITLE])
            entry.drum_voices.append(tuple(i for i, v in enumerate(score.voices) if v.is_drum))
            entry.meters.append(meter_rows(score))
            entry.keys.append(tuple((k.tick, str(k.key)) for k in score.keys))
            entry.features.append(tuple(sorted(score.features)))
        for number, score in enumerate(scores):
            label = f"{' '.join(score.title.split())[:60] or 'piece'} (#{number})" if len(scores) > 1 else ""
            entry.problems += [f"{label}: {problem}" if label else problem for problem in score.problems]
            entry.chords.append(chord_rows(score.chords))
        return entry

    def __len__(self) -> int:
        return len(self.notes)


def meter_rows(score: Score) -> np.ndarray:
    """A Score's meter map as an (M, 3) int32 array of (tick, numerator, denominator) rows."""
    return np.array([(m.tick, m.numerator, m.denominator) for m in score.meters], dtype=np.int32).reshape(-1, 3)


def key_arrays(keys: list[tuple[tuple[int, str], ...]]) -> dict[str, np.ndarray]:
    """Key maps of many pieces as flat arrays (key_ticks, key_names, key_offsets)."""
    return {"key_ticks": np.array([t for k in keys for t, _ in k], dtype=np.int64),
            "key_names": np.array([n for k in keys for _, n in k], dtype=str),
            "key_offsets": _offsets([len(k) for k in keys])}


def keys_from_arrays(data) -> list[tuple[tuple[int, str], ...]]:
    ticks, names, offsets = data["key_ticks"].tolist(), data["key_names"].tolist(), data["key_offsets"].tolist()
    return [tuple(zip(ticks[a:b], names[a:b])) for a, b in zip(offsets, offsets[1:])]


def meter_arrays(meters: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Meter maps of many pieces as flat arrays (meters (M, 3) int32, meter_offsets)."""
    return {"meters": np.concatenate(meters).astype(np.int32) if meters else np.zeros((0, 3), np.int32),
            "meter_offsets": _offsets([len(m) for m in meters])}


def meters_from_arrays(data) -> list[np.ndarray]:
    rows, offsets = data["meters"], data["meter_offsets"].tolist()
    return [rows[a:b] for a, b in zip(offsets, offsets[1:])]


def _offsets(lengths: list[int]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    """Write atomically: a reader never sees half a file, and a crash leaves no debris behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez_compressed(stream, **arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_entry(path: Path, entry: FileEntry) -> None:
    write_npz(
        path,
        notes=np.concatenate(entry.notes) if entry.notes else np.zeros((0, 5), np.int32),
        offsets=_offsets([len(n) for n in entry.notes]),
        bpm=np.array(entry.bpm, dtype=np.float64),
        time_signature=np.array(entry.time_signature, dtype=np.int32).reshape(-1, 2),
        key=np.array([k or "" for k in entry.key], dtype=str),
        title=np.array(entry.title, dtype=str),
        drum_voices=np.array([v for d in entry.drum_voices for v in d], dtype=np.int32),
        drum_offsets=_offsets([len(d) for d in entry.drum_voices]),
        chords=np.concatenate(entry.chords) if entry.chords else np.zeros((0, 4), np.int32),
        chord_offsets=_offsets([len(c) for c in entry.chords]),
        features=np.array([",".join(f) for f in entry.features], dtype=str),
        problems=np.array(entry.problems, dtype=str),
        **meter_arrays(entry.meters),
        **key_arrays(entry.keys),
    )


def read_entry(path: Path) -> FileEntry:
    with np.load(path, allow_pickle=False) as data:
        notes, offsets = data["notes"], data["offsets"]
        drums, drum_offsets = data["drum_voices"], data["drum_offsets"]
        count = len(offsets) - 1
        return FileEntry(
            notes=[notes[offsets[i]:offsets[i + 1]] for i in range(count)],
            bpm=data["bpm"].tolist(),
            time_signature=[tuple(ts) for ts in data["time_signature"].tolist()],
            key=[k or None for k in data["key"].tolist()],
            title=data["title"].tolist(),
            drum_voices=[tuple(drums[drum_offsets[i]:drum_offsets[i + 1]].tolist()) for i in range(count)],
            chords=[data["chords"][data["chord_offsets"][i]:data["chord_offsets"][i + 1]] for i in range(count)],
            meters=meters_from_arrays(data),
            keys=keys_from_arrays(data),
            features=[tuple(f.split(",")) if f else () for f in data["features"].tolist()],
            problems=data["problems"].tolist(),
        )


def write_failure(path: Path, reason: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(reason, encoding="utf-8")
    os.replace(temporary, path)


def read_manifest(cache_dir: Path) -> dict | None:
    try:
        return json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(cache_dir: Path, manifest: dict) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, cache_dir / MANIFEST)


def drop_unused_entries(cache_dir: Path, keep: set[Path]) -> int:
    """Delete entries no current source file refers to (removed files, old formats)."""
    dropped = 0
    files = cache_dir / "files"
    if not files.is_dir():
        return 0
    for path in files.rglob("*"):
        if path.is_file() and path not in keep:
            path.unlink(missing_ok=True)
            dropped += 1
    return dropped
