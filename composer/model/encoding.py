"""Score <-> step arrays (numpy). One step per note; see composer.model.vocab for the fields.

A note array is int (N, 5) with columns onset, duration, pitch, velocity, voice in score ticks,
the same layout the corpus cache stores. Steps are ordered by onset, then pitch from the top down
(the melody note of a chord first); every voice of the piece is in one stream, each step tagged
with its voice slot and that voice's role, so polyphony is delta-0 steps across voices.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Sequence

import numpy as np

from composer.model import vocab as V
from composer.music.score import TICKS_PER_QUARTER, Note

ONSET, DURATION, PITCH, VELOCITY, VOICE = range(5)

_MINOR_MODES = {"minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic_minor", "melodic_minor",
                "minor_pentatonic", "blues"}


def notes_to_array(notes) -> np.ndarray:
    array = np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in notes], dtype=np.int64)
    return array.reshape(-1, 5)


def array_to_notes(array: np.ndarray, *, generated: bool = False) -> list[Note]:
    return [Note(int(p), int(o), int(d), int(v), int(voice), generated)
            for o, d, p, v, voice in np.asarray(array).tolist()]


@dataclass
class Steps:
    """Per-note model attributes (int64 arrays of equal length, vocabulary indices; see
    composer.model.vocab.FEATURES), plus bookkeeping that is not a model input:
    onset (absolute grid ticks), ref (the pitch each step's interval counts from: the previous
    note of its voice, else the previous step; -1 for none) and score_voice (the Score voice)."""

    voice: np.ndarray
    pitch: np.ndarray
    delta: np.ndarray
    duration: np.ndarray
    velocity: np.ndarray
    interval: np.ndarray
    position: np.ndarray
    role: np.ndarray
    key: np.ndarray
    chord_root: np.ndarray
    chord_quality: np.ndarray
    next_root: np.ndarray
    next_quality: np.ndarray
    segment: np.ndarray
    region_bar: np.ndarray
    to_end: np.ndarray
    density: np.ndarray
    onset: np.ndarray
    ref: np.ndarray
    score_voice: np.ndarray
    bar_len: np.ndarray  # grid ticks of the bar each onset lies in

    def __len__(self) -> int:
        return len(self.pitch)

    def take(self, index) -> "Steps":
        """A subset (slice, boolean mask or index array) of the steps, fields copied. Deltas,
        intervals and refs are NOT recomputed: see `restart`."""
        return Steps(**{f.name: getattr(self, f.name)[index].copy() for f in fields(self)})

    def slice(self, start: int, stop: int, *, fresh_start: bool = True) -> "Steps":
        """A window; with fresh_start its first step forgets the note before the window, as a
        user's seed has no note before it."""
        part = self.take(slice(start, stop))
        if fresh_start and len(part):
            part.delta[0] = 0
            part.interval[0] = V.NO_INTERVAL
            part.ref[0] = -1
        return part

    def matrix(self, names=V.FEATURES) -> np.ndarray:
        """(N, len(names)) int64, the model's input (or target) layout."""
        return np.stack([getattr(self, name) for name in names], axis=-1)

    @staticmethod
    def concat(parts: Sequence["Steps"]) -> "Steps":
        return Steps(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Steps)})


def key_index(key: str | None) -> int:
    """"G:major" -> 7, "E:minor" -> 16 (modes count as major or minor by their third), None -> unknown."""
    if not key:
        return V.UNKNOWN_KEY
    from composer.music.scales import Key

    try:
        parsed = Key.parse(key)
    except (ValueError, KeyError):
        return V.UNKNOWN_KEY
    return parsed.tonic + (12 if parsed.scale in _MINOR_MODES else 0)


def transpose_key(index: np.ndarray, shift: int) -> np.ndarray:
    index = np.asarray(index)
    known = index < V.UNKNOWN_KEY
    return np.where(known, (index // 12) * 12 + (index % 12 + shift) % 12, index)


def bar_positions(onset_ticks: np.ndarray, meters: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Ticks since the last bar line and the bar's length in ticks, per onset, from a meter map:
    rows (tick of a bar line, numerator, denominator), sorted; the first row may start before 0
    (a pickup: the first full bar starts at first_tick + bar length). None = 4/4 from tick 0."""
    onset_ticks = np.asarray(onset_ticks, dtype=np.int64)
    meters = np.asarray(meters if meters is not None and len(meters) else [(0, 4, 4)], dtype=np.int64).reshape(-1, 3)
    bar = np.maximum(1, meters[:, 1] * TICKS_PER_QUARTER * 4 // np.maximum(1, meters[:, 2]))
    which = np.clip(np.searchsorted(meters[:, 0], onset_ticks, side="right") - 1, 0, len(meters) - 1)
    since = onset_ticks - meters[which, 0]
    return np.mod(since, bar[which]), bar[which]


def voice_roles(notes: np.ndarray, drum_voices: Sequence[int] = (), given: Sequence[str | None] | None = None) -> dict[int, int]:
    """Role index (vocab.ROLES) per voice of a note array. Given roles win; otherwise drums are
    drums, a lone pitched voice is the melody, and among several the highest by mean pitch is the
    melody, the lowest the bass (if it lies below middle C on average), the rest harmony."""
    voices = sorted(set(np.asarray(notes)[:, VOICE].tolist()))
    roles: dict[int, int] = {}
    pitched = []
    for v in voices:
        role = given[v] if given is not None and v < len(given) else None
        if role in V.ROLES:
            roles[v] = V.ROLES.index(role)
        elif v in drum_voices:
            roles[v] = V.ROLES.index("drums")
        else:
            pitched.append(v)
    if len(pitched) == 1:
        roles[pitched[0]] = V.ROLES.index("melody")
    elif pitched:
        means = {v: float(notes[notes[:, VOICE] == v, PITCH].mean()) for v in pitched}
        ranked = sorted(pitched, key=lambda v: -means[v])
        for v in ranked:
            roles[v] = V.ROLES.index("harmony")
        roles[ranked[0]] = V.ROLES.index("melody")
        if means[ranked[-1]] < 60:
            roles[ranked[-1]] = V.ROLES.index("bass")
    return roles


def encode(array: np.ndarray, bar_length: int | None = None, *, meters: np.ndarray | None = None,
           drum_voices: Sequence[int] = (), roles: dict[int, int] | None = None,
           voice_slots: dict[int, int] | None = None, keys: Sequence[tuple[int, str]] | None = None,
           key: str | None = None, chords: np.ndarray | None = None) -> Steps:
    """Quantise a note array to the grid and turn it into steps.

    array: (N, 5) score ticks. bar_length (grid ticks) is the old single-meter form; meters (rows
    tick, numerator, denominator) the meter map. roles/voice_slots map score voices to role and
    slot indices (default: inferred / voices in score order). keys: [(tick, "G:major")] key map
    (or one `key`); chords: (K, 4) rows onset, duration (ticks), root pitch class, quality index.
    Duplicate (onset, pitch) notes of one voice are dropped (the first in the array is kept). Context features (segment, region) are "before",
    no region; callers that write regions set them."""
    array = np.asarray(array, dtype=np.int64).reshape(-1, 5)
    onset = np.rint(array[:, ONSET] / V.TICKS_PER_GRID).astype(np.int64)
    pitch = array[:, PITCH]
    order = np.lexsort((array[:, VOICE], -pitch, onset))
    array, onset, pitch = array[order], onset[order], pitch[order]
    if len(onset) > 1:  # the same pitch twice at one onset in one voice is one note (unisons of voices stay)
        keep = np.ones(len(onset), dtype=bool)
        keep[1:] = (np.diff(onset) != 0) | (np.diff(pitch) != 0) | (np.diff(array[:, VOICE]) != 0)
        array, onset, pitch = array[keep], onset[keep], pitch[keep]
    n = len(onset)
    duration = np.clip(np.rint(array[:, DURATION] / V.TICKS_PER_GRID).astype(np.int64), 1, V.MAX_DURATION)
    delta = np.zeros(n, dtype=np.int64)
    if n > 1:
        delta[1:] = np.minimum(np.diff(onset), V.MAX_DELTA)
    velocity = np.minimum(V.VELOCITY_BINS - 1, np.maximum(0, (array[:, VELOCITY] - 1) * V.VELOCITY_BINS // 127))
    score_voice = array[:, VOICE]

    # Interval from the previous note of the same voice (else the previous step).
    ref = np.full(n, -1, dtype=np.int64)
    last: dict[int, int] = {}
    previous = -1
    for i, (v, p) in enumerate(zip(score_voice.tolist(), pitch.tolist())):
        ref[i] = last.get(v, previous)
        last[v] = p
        previous = p
    interval = np.where(ref >= 0, np.clip(pitch - ref, -V.MAX_INTERVAL, V.MAX_INTERVAL) + V.MAX_INTERVAL, V.NO_INTERVAL)

    if meters is None and bar_length is not None:
        position = onset % max(1, bar_length)
        bar_len = np.full(n, max(1, bar_length), np.int64)
    else:
        since, bar_ticks = bar_positions(np.rint(onset * V.TICKS_PER_GRID).astype(np.int64), meters)
        position = since // V.TICKS_PER_GRID
        bar_len = np.maximum(1, bar_ticks // V.TICKS_PER_GRID)
    position = np.clip(position, 0, V.MAX_POSITION - 1)

    if voice_slots is None:
        voice_slots = {v: min(i, V.MAX_VOICES - 1) for i, v in enumerate(sorted(set(score_voice.tolist())))}
    slot = np.array([voice_slots.get(v, V.MAX_VOICES - 1) for v in score_voice.tolist()], dtype=np.int64)
    if roles is None:
        roles = voice_roles(array, drum_voices) if n else {}
    role = np.array([roles.get(v, V.UNKNOWN_ROLE) for v in score_voice.tolist()], dtype=np.int64)

    ticks = array[:, ONSET]
    key_of = keys_at(ticks, keys, key)
    chord_root, chord_quality, next_root, next_quality = chords_at(ticks, chords)

    return Steps(voice=slot, pitch=pitch.copy(), delta=delta, duration=duration - 1, velocity=velocity.astype(np.int64),
                 interval=interval, position=position, role=role, key=key_of, chord_root=chord_root,
                 chord_quality=chord_quality, next_root=next_root, next_quality=next_quality, segment=np.zeros(n, np.int64), region_bar=np.zeros(n, np.int64),
                 to_end=np.full(n, V.OPEN_END, np.int64), density=np.zeros(n, np.int64), onset=onset,
                 ref=ref, score_voice=score_voice.copy(), bar_len=bar_len)


def keys_at(ticks: np.ndarray, keys: Sequence[tuple[int, str]] | None, key: str | None = None) -> np.ndarray:
    """vocab key index in force at each tick, from a key map [(tick, "G:major")] (or one key)."""
    ticks = np.asarray(ticks, dtype=np.int64)
    if not keys:
        return np.full(len(ticks), key_index(key), dtype=np.int64)
    key_ticks = np.array([k[0] for k in keys], dtype=np.int64)
    key_values = np.array([key_index(k[1]) for k in keys], dtype=np.int64)
    which = np.searchsorted(key_ticks, ticks, side="right") - 1
    return np.where(which >= 0, key_values[np.clip(which, 0, None)], V.UNKNOWN_KEY)


def chords_at(ticks: np.ndarray, chords: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """(root, quality, next root, next quality) vocab indices at each tick, from chord rows (K, 4)
    onset, duration, root pitch class, quality index. "Next" is the next chord to start within
    two 4/4 bars (none otherwise)."""
    ticks = np.asarray(ticks, dtype=np.int64)
    n = len(ticks)
    root = np.full(n, V.NO_CHORD_ROOT, dtype=np.int64)
    quality = np.full(n, V.NO_CHORD_QUALITY, dtype=np.int64)
    if chords is None or not len(chords):
        return root, quality, root.copy(), quality.copy()
    chords = np.asarray(chords, dtype=np.int64).reshape(-1, 4)
    chords = chords[np.argsort(chords[:, 0], kind="stable")]
    which = np.searchsorted(chords[:, 0], ticks, side="right") - 1
    safe = np.clip(which, 0, None)
    inside = (which >= 0) & (ticks < chords[safe, 0] + chords[safe, 1])
    root = np.where(inside, chords[safe, 2] % 12, V.NO_CHORD_ROOT)
    quality = np.where(inside, np.clip(chords[safe, 3], 0, V.NO_CHORD_QUALITY - 1), V.NO_CHORD_QUALITY)
    after = np.searchsorted(chords[:, 0], ticks, side="right")
    upcoming = np.clip(after, 0, len(chords) - 1)
    near = (after < len(chords)) & (chords[upcoming, 0] - ticks <= 8 * TICKS_PER_QUARTER)
    next_root = np.where(near, chords[upcoming, 2] % 12, V.NO_CHORD_ROOT)
    next_quality = np.where(near, np.clip(chords[upcoming, 3], 0, V.NO_CHORD_QUALITY - 1), V.NO_CHORD_QUALITY)
    return root, quality, next_root, next_quality


def transpose_steps(steps: Steps, shift: int, drum_role: int = V.ROLES.index("drums")) -> Steps:
    """Steps moved by `shift` semitones (drums stay), with key and chord roots moved too."""
    if shift == 0:
        return steps
    out = steps.take(slice(None))
    pitched = out.role != drum_role
    out.pitch = np.where(pitched, out.pitch + shift, out.pitch)
    out.ref = np.where(pitched & (out.ref >= 0), out.ref + shift, out.ref)
    out.key = transpose_key(out.key, shift)
    out.chord_root = np.where(out.chord_root < 12, (out.chord_root + shift) % 12, out.chord_root)
    out.next_root = np.where(out.next_root < 12, (out.next_root + shift) % 12, out.next_root)
    return out
