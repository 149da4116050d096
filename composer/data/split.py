"""Deterministic train / validation / test split, by piece.

A piece's split comes from a hash of its music, not of its name or position: the note sequence
with onsets counted from the first note and pitches from the lowest (so a tune and its exact copy
in another key or collection, or repeated inside one, hash alike and always share a split; the
test set never holds a training piece verbatim). Adding or removing other pieces never moves a
piece. Proportions: 90 % train, 5 % validation, 5 % test.
"""

from __future__ import annotations

import hashlib

import numpy as np

SPLITS: tuple[str, ...] = ("train", "validation", "test")
# Cumulative per-mille bounds of train and validation; the rest is test.
_TRAIN, _VALIDATION = 900, 950
SPLIT_VERSION = 2  # bump if the rule changes: every cached corpus.npz is then re-split


def content_key(notes: np.ndarray) -> bytes:
    """Digest of a piece's onsets, durations and pitches, invariant to transposition and start."""
    if len(notes) == 0:
        return hashlib.sha256(b"").digest()
    shape = np.asarray(notes[:, :3], dtype=np.int64).copy()
    shape[:, 0] -= shape[0, 0]
    shape[:, 2] -= shape[:, 2].min()
    # Sort so that voice numbering and the order of chord notes do not matter.
    shape = shape[np.lexsort((shape[:, 1], shape[:, 2], shape[:, 0]))]
    return hashlib.sha256(shape.tobytes()).digest()


def split_of(notes: np.ndarray, group: str | None = None) -> str:
    """The split of a piece: from its music, or from its group name when it has one."""
    digest = hashlib.sha256(group.encode()).digest() if group else content_key(notes)
    bucket = int.from_bytes(digest[:8], "big") % 1000
    if bucket < _TRAIN:
        return "train"
    return "validation" if bucket < _VALIDATION else "test"
