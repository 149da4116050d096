"""The Composer project file: a versioned JSON document holding a Score, its voicing, the
co-writer's generation settings and which notes are seed or continuation.

Qt-free so the CLI and tests can use it. Loading validates everything: a hostile or damaged file
raises ScoreFileError naming the file and the problem, never a bare KeyError/TypeError, and never
returns a half-built Score.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import os
import secrets
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer.io import safe_write
from composer.io.errors import ScoreFileError, require_regular_file
from composer.music import limits
from composer.music.chords import ChordSymbol
from composer.music.region import ROLES
from composer.music.scales import Key
from composer.music.meter import DENOMINATORS, MeterChange
from composer.music.score import KeyChange, Note, Pedal, Score, TempoChange, Voice

FORMAT = "composer-project"
VERSION = 1
PROJECT_SUFFIXES = (".composer.json", ".cmp")
MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any real score; stops memory bombs
# The same limits as every reader and the editor (composer.music.limits): what opens, saves.
MAX_NOTES = limits.MAX_NOTES
MAX_VOICES = limits.MAX_VOICES
MAX_TEMPOS = limits.MAX_TEMPO_CHANGES
MAX_TICK = limits.MAX_TICK
MAX_CHORDS = 100_000  # a chord per beat of a six-hour piece
MAX_CHORD_FIGURE = 40
_SETTING_TYPES = (str, int, float, bool, type(None))


def is_project_path(path: str | Path) -> bool:
    name = Path(path).name.lower()
    return any(name.endswith(suffix) for suffix in PROJECT_SUFFIXES)


@dataclass(slots=True)
class Project:
    """What a project file holds. `generation` is a flat dict of the co-writer panel's settings
    (strings, numbers, booleans, None) so the UI can add settings without a format change."""

    score: Score = field(default_factory=Score)
    generation: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- saving

def project_to_dict(project: Project) -> dict[str, Any]:
    score = project.score
    return {
        "format": FORMAT,
        "version": VERSION,
        "score": {
            "title": score.title,
            "style": score.style,
            "key": str(score.key) if score.key is not None else None,
            "time_signature": [score.time_signature.numerator, score.time_signature.denominator],
            # The meter and key maps (the first meter's tick is negative for a pickup); the two
            # fields above stay for files read by older versions.
            "meters": [[m.tick, m.numerator, m.denominator] for m in score.meters],
            "keys": [[k.tick, str(k.key)] for k in score.keys],
            "tempos": [[t.tick, t.bpm] for t in score.tempos],
            "chords": [[c.onset, c.duration, c.figure] for c in score.chords],  # the chord track
            # The sustain pedal, [voice, onset, end] spans; a file without it (older ones) has none.
            "pedals": [[p.voice, p.onset, p.end] for p in score.pedals],
            "voices": [
                {"name": v.name, "program": v.program, "is_drum": v.is_drum, "volume": v.volume,
                 "pan": v.pan, "mute": v.mute, "solo": v.solo, "role": v.role}
                for v in score.voices
            ],
            # Compact rows: [pitch, onset, duration, velocity, voice, generated]
            "notes": [[n.pitch, n.onset, n.duration, n.velocity, n.voice, int(n.generated)]
                      for n in score.sorted_notes()],
        },
        "generation": {k: v for k, v in project.generation.items()
                       if isinstance(k, str) and isinstance(v, _SETTING_TYPES)},
    }


_NOTE_CHUNK = 2000  # notes per sort run: each C-level call holds the GIL ~1 ms, not ~100 ms for all


def project_json(project: Project) -> str:
    """The project as compact JSON text, the same as json.dumps(project_to_dict(project)).

    Written for the autosave thread: any single C-level call over 100,000 notes (one sort, one
    json.dumps) holds the GIL for 50-100 ms and the window stalls that long. So the notes are
    sorted in runs merged lazily, and each row is formatted in Python (no big C call, no
    GC-tracked row lists); the GUI thread gets the GIL in between (bench/autosave_stall.py)."""
    score = project.score
    data = project_to_dict(Project(score.copy(notes=[]), project.generation))
    marker = f"@notes-{secrets.token_hex(8)}@"
    data["score"]["notes"] = marker
    head = json.dumps(data, separators=(",", ":"), allow_nan=False)
    notes = score.notes
    background = threading.current_thread() is not threading.main_thread()
    runs = []
    for start in range(0, len(notes), _NOTE_CHUNK):
        runs.append(sorted(notes[start:start + _NOTE_CHUNK], key=_note_order))
        _pause(background)
    merged = heapq.merge(*runs, key=_note_order)
    parts = []
    for _ in range(0, len(notes), _NOTE_CHUNK):
        parts.append(",".join(f"[{n.pitch},{n.onset},{n.duration},{n.velocity},{n.voice},{int(n.generated)}]"
                              for n in itertools.islice(merged, _NOTE_CHUNK)))
        _pause(background)
    return head.replace(json.dumps(marker), f"[{','.join(parts)}]", 1)


def _pause(background: bool) -> None:
    """In a background thread, step aside for a moment between chunks: on a busy machine the GUI
    thread otherwise competes with this one for the CPU as well as the GIL (~50 x 1 ms a save)."""
    if background:
        time.sleep(0.001)


_VOICE_BITS = max(8, (MAX_VOICES - 1).bit_length())


def _note_order(note: Note) -> int:
    """Score.sorted_notes' order (onset, pitch, voice) as one int: an int key, unlike a tuple,
    is not tracked by the garbage collector, so 100,000 of them do not bring on collections
    that stop every thread (a full one takes ~100 ms with a big score in memory)."""
    return (note.onset << (7 + _VOICE_BITS)) | (note.pitch << _VOICE_BITS) | note.voice


def save_project(project: Project, path: str | Path, *, private: bool = False) -> None:
    """Write atomically (composer.io.safe_write: exclusive partial file, fsync, rename) so a crash
    or kill mid-save never truncates the old file nor leaves a partial behind for long. An
    existing file keeps its permissions; a new one follows the umask, or is 0600 when private
    (autosaves). A score outside composer.music.limits is refused (ScoreFileError), so a saved
    project always reopens."""
    path = Path(path)
    problems = limits.score_problems(project.score)
    if problems:
        raise ScoreFileError(path, f"cannot save a score with {problems[0]}")
    text = project_json(project)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        safe_write.clean_stale_partials(path.parent)
        safe_write.write_bytes(path, text.encode("utf-8"), mode=0o600 if private else None)
    except OSError as error:
        raise ScoreFileError(path, f"cannot write the project: {error.strerror or error}") from error


# ----------------------------------------------------------------------------- loading

class _Invalid(Exception):
    """Raised inside validation; turned into ScoreFileError with the file name."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Invalid(message)


def _int(value: Any, what: str, low: int, high: int) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool), f"{what} must be an integer")
    _require(low <= value <= high, f"{what} {value} is outside {low}-{high}")
    return value


def _str(value: Any, what: str, limit: int = 1000) -> str:
    _require(isinstance(value, str), f"{what} must be text")
    _require(len(value) <= limit, f"{what} is longer than {limit} characters")
    return value


def _bool(value: Any, what: str) -> bool:
    _require(isinstance(value, bool), f"{what} must be true or false")
    return value


def _list(value: Any, what: str, limit: int) -> list:
    _require(isinstance(value, list), f"{what} must be a list")
    _require(len(value) <= limit, f"{what} has more than {limit} entries")
    return value


def _voice(raw: Any, index: int) -> Voice:
    what = f"voice {index + 1}"
    _require(isinstance(raw, dict), f"{what} must be an object")
    return Voice(
        name=_str(raw.get("name", f"Voice {index + 1}"), f"{what} name", limits.MAX_VOICE_NAME),
        program=_int(raw.get("program", 0), f"{what} program", 0, 127),
        is_drum=_bool(raw.get("is_drum", False), f"{what} is_drum"),
        volume=_int(raw.get("volume", 100), f"{what} volume", 0, 127),
        pan=_int(raw.get("pan", 64), f"{what} pan", 0, 127),
        mute=_bool(raw.get("mute", False), f"{what} mute"),
        solo=_bool(raw.get("solo", False), f"{what} solo"),
        role=_role(raw.get("role"), f"{what} role"),
    )


def _role(value: Any, what: str) -> str | None:
    """None (= inferred, composer.music.roles) or one of composer.music.region.ROLES."""
    if value is None:
        return None
    _require(value in ROLES, f"{what} {value!r} is not one of {', '.join(ROLES)}")
    return value


def _tempo(raw: Any, index: int) -> TempoChange:
    what = f"tempo change {index + 1}"
    _require(isinstance(raw, list) and len(raw) == 2, f"{what} must be [tick, bpm]")
    tick = _int(raw[0], f"{what} tick", 0, MAX_TICK)
    bpm = raw[1]
    _require(isinstance(bpm, (int, float)) and not isinstance(bpm, bool), f"{what} bpm must be a number")
    _require(math.isfinite(bpm) and limits.MIN_BPM <= bpm <= limits.MAX_BPM,
             f"{what} bpm {bpm} is outside {limits.MIN_BPM:g}-{limits.MAX_BPM:g}")
    return TempoChange(tick, float(bpm))


def _note(raw: Any, index: int, voices: int) -> Note:
    what = f"note {index + 1}"
    _require(isinstance(raw, list) and len(raw) == 6,
             f"{what} must be [pitch, onset, duration, velocity, voice, generated]")
    pitch = _int(raw[0], f"{what} pitch", 0, 127)
    onset = _int(raw[1], f"{what} onset", 0, MAX_TICK)
    duration = _int(raw[2], f"{what} duration", 1, MAX_TICK)
    _require(onset + duration <= MAX_TICK, f"{what} ends past tick {MAX_TICK} (composer.music.limits)")
    velocity = _int(raw[3], f"{what} velocity", 1, 127)
    voice = _int(raw[4], f"{what} voice", 0, voices - 1)
    _require(raw[5] in (0, 1) and not isinstance(raw[5], float), f"{what} generated flag must be 0 or 1")
    return Note(pitch, onset, duration, velocity, voice, bool(raw[5]))


def _meter(raw: Any, index: int) -> MeterChange:
    what = f"meter {index + 1}"
    _require(isinstance(raw, list) and len(raw) == 3, f"{what} must be [tick, numerator, denominator]")
    tick = _int(raw[0], f"{what} tick", -MAX_TICK, MAX_TICK)
    numerator = _int(raw[1], f"{what} numerator", 1, limits.MAX_METER_NUMERATOR)
    denominator = _int(raw[2], f"{what} denominator", 1, 64)
    _require(denominator in DENOMINATORS, f"{what} denominator {denominator} is not a power of two")
    return MeterChange(tick, numerator, denominator)


def _key_change(raw: Any, index: int) -> KeyChange:
    what = f"key {index + 1}"
    _require(isinstance(raw, list) and len(raw) == 2, f"{what} must be [tick, \"G:major\"]")
    tick = _int(raw[0], f"{what} tick", 0, MAX_TICK)
    try:
        return KeyChange(tick, Key.parse(_str(raw[1], what, 40)))
    except ValueError as error:
        raise _Invalid(f"{what}: {error}") from None


def _chord(raw: Any, index: int) -> ChordSymbol:
    """A chord of the chord track. The figure is kept as written, even one root_and_quality cannot
    read (the co-writer then leaves that chord out): a typo must not cost the project."""
    what = f"chord {index + 1}"
    _require(isinstance(raw, list) and len(raw) == 3, f"{what} must be [onset, duration, \"figure\"]")
    return ChordSymbol(_int(raw[0], f"{what} onset", 0, MAX_TICK), _int(raw[1], f"{what} duration", 1, MAX_TICK),
                       _str(raw[2], f"{what} figure", MAX_CHORD_FIGURE))


def _pedal(raw: Any, index: int, voices: int) -> Pedal:
    what = f"pedal {index + 1}"
    _require(isinstance(raw, list) and len(raw) == 3, f"{what} must be [voice, onset, end]")
    voice = _int(raw[0], f"{what} voice", 0, voices - 1)
    onset = _int(raw[1], f"{what} onset", 0, MAX_TICK)
    end = _int(raw[2], f"{what} end", onset + 1, MAX_TICK)
    return Pedal(voice, onset, end)


def _score(raw: Any) -> Score:
    _require(isinstance(raw, dict), "'score' must be an object")
    voices = [_voice(v, i) for i, v in enumerate(_list(raw.get("voices", [{}]), "voices", MAX_VOICES))]
    _require(len(voices) >= 1, "a score needs at least one voice")
    tempos = [_tempo(t, i) for i, t in enumerate(_list(raw.get("tempos", [[0, 120.0]]), "tempos", MAX_TEMPOS))]
    _require(len(tempos) >= 1 and tempos[0].tick == 0, "the first tempo change must be at tick 0")
    _require(all(a.tick < b.tick for a, b in zip(tempos, tempos[1:])), "tempo changes must be in time order")
    sig = _list(raw.get("time_signature", [4, 4]), "time_signature", 2)
    _require(len(sig) == 2, "time_signature must be [numerator, denominator]")
    numerator = _int(sig[0], "time signature numerator", 1, limits.MAX_METER_NUMERATOR)
    denominator = _int(sig[1], "time signature denominator", 1, 64)
    _require(denominator in (1, 2, 4, 8, 16, 32, 64), f"time signature denominator {denominator} is not a power of two")
    key_text = raw.get("key")
    key = None
    if key_text is not None:
        try:
            key = Key.parse(_str(key_text, "key", 40))
        except ValueError as error:
            raise _Invalid(f"key: {error}") from None
    meters = [MeterChange(0, numerator, denominator)]
    if "meters" in raw:
        meters = [_meter(m, i) for i, m in enumerate(_list(raw["meters"], "meters", limits.MAX_METER_CHANGES))]
        _require(len(meters) >= 1, "meters must hold at least one meter")
        _require(all(a.tick < b.tick for a, b in zip(meters, meters[1:])), "meter changes must be in time order")
        _require(all(m.tick >= 0 for m in meters[1:]) and meters[0].tick + meters[0].bar_ticks > 0,
                 "only the first meter may start before tick 0, and by less than a bar (a pickup)")
    keys = [KeyChange(0, key)] if key is not None else []
    if "keys" in raw:
        keys = [_key_change(k, i) for i, k in enumerate(_list(raw["keys"], "keys", limits.MAX_KEY_CHANGES))]
        _require(all(a.tick < b.tick for a, b in zip(keys, keys[1:])), "key changes must be in time order")
    style = raw.get("style")
    chords = sorted((_chord(c, i) for i, c in enumerate(_list(raw.get("chords", []), "chords", MAX_CHORDS))),
                    key=lambda c: c.onset)
    notes = [_note(n, i, len(voices)) for i, n in enumerate(_list(raw.get("notes", []), "notes", MAX_NOTES))]
    pedals = [_pedal(p, i, len(voices)) for i, p in enumerate(_list(raw.get("pedals", []), "pedals", MAX_NOTES))]
    return Score(
        notes=notes, voices=voices, tempos=tempos, meters=meters, keys=keys, chords=chords, pedals=pedals,
        title=_str(raw.get("title", ""), "title", limits.MAX_TITLE),
        style=None if style is None else _str(style, "style", limits.MAX_STYLE),
    )


def project_from_dict(data: Any) -> Project:
    """Validate a decoded JSON document; raises _Invalid with a reason."""
    _require(isinstance(data, dict), "the file is not a Composer project (top level is not an object)")
    _require(data.get("format") == FORMAT, f"the file is not a Composer project (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    _require(isinstance(version, int) and not isinstance(version, bool), "the project has no version number")
    _require(version <= VERSION,
             f"the project was saved by a newer Composer (format {version}; this one reads up to {VERSION})")
    _require(version >= 1, f"unknown project version {version}")
    raw_generation = data.get("generation", {})
    _require(isinstance(raw_generation, dict), "'generation' must be an object")
    generation = {}
    for name, value in list(raw_generation.items())[:200]:
        if isinstance(value, _SETTING_TYPES) and len(name) <= 100:
            if isinstance(value, str):
                value = value[:1000]
            if isinstance(value, float) and not math.isfinite(value):
                continue
            generation[name] = value
    return Project(score=_score(data.get("score")), generation=generation)


def load_project(path: str | Path) -> Project:
    """Read and validate a project. Raises ScoreFileError naming the file: not a regular file (a
    folder, a FIFO that would block, a device such as /dev/zero behind a symlink, a symlink loop),
    too big, not UTF-8 JSON, or content outside the format or composer.music.limits."""
    path = Path(path)
    try:
        text = _read_regular(path).decode("utf-8")
    except UnicodeDecodeError:
        raise ScoreFileError(path, "the file is not UTF-8 text, so not a Composer project") from None
    if not text.strip():
        raise ScoreFileError(path, "the file is empty")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except _Invalid as error:
        raise ScoreFileError(path, str(error)) from None
    except RecursionError:
        raise ScoreFileError(path, "the JSON is nested too deeply to be a Composer project") from None
    except ValueError as error:  # JSONDecodeError, and int strings over Python's digit limit
        raise ScoreFileError(path, f"the file is not valid JSON ({error}); it may be truncated") from None
    try:
        return project_from_dict(data)
    except _Invalid as error:
        raise ScoreFileError(path, f"{error}; the project cannot be opened") from None
    except (ValueError, RecursionError) as error:  # a domain type refused a value we did not foresee
        raise ScoreFileError(path, f"invalid project data: {error}") from None


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES. Opened without blocking and checked
    on the open descriptor, so a path swapped for a FIFO after the first check cannot hang."""
    require_regular_file(path, "project")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ScoreFileError(path, f"cannot open the project: {error.strerror or error}") from error
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ScoreFileError(path, "it is not a regular file, so not a Composer project")
        if info.st_size > MAX_FILE_BYTES:
            raise ScoreFileError(path, f"the file is {info.st_size // 2**20} MB; a project is at most "
                                       f"{MAX_FILE_BYTES // 2**20} MB")
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise ScoreFileError(path, f"cannot read the project: {error.strerror or error}") from error
    if len(data) > MAX_FILE_BYTES:
        raise ScoreFileError(path, f"the file grew past {MAX_FILE_BYTES // 2**20} MB while it was read")
    return data


def _reject_constant(name: str) -> None:
    raise _Invalid(f"the JSON contains {name}, which a project never holds")
