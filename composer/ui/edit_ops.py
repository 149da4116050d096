"""The maths of piano-roll edits, Qt-free: snapping, moving, resizing, transposing, duplicating,
pasting and velocity changes on {id: Note} maps. Each returns the new notes (same ids) or an
empty dict when the edit would do nothing; the undo commands apply the result."""

from __future__ import annotations

from dataclasses import dataclass

from composer.music.meter import MeterMap
from composer.music.score import TICKS_PER_QUARTER, Note
from composer.music.transform import grid_ticks, quantise
from composer.ui import bar_grid

MIN_PITCH, MAX_PITCH = 0, 127


@dataclass(frozen=True, slots=True)
class Snap:
    """A grid choice from the snap menu: division 1 = whole note … 32 = 1/32; triplet = 2/3."""

    division: int = 16
    triplet: bool = False

    @property
    def ticks(self) -> int:
        return grid_ticks(self.division, self.triplet)

    @property
    def label(self) -> str:
        return f"1/{self.division}{'T' if self.triplet else ''}"


SNAP_CHOICES = [Snap(d, t) for d in (1, 2, 4, 8, 16, 32) for t in (False, True)
                if not (t and d == 1)]  # a whole-note triplet is rarely wanted


def snap_round(tick: float, grid: int, meters: MeterMap | None = None) -> int:
    """The nearest grid point: counted from each bar line of `meters` (bar_grid.snap), or without
    a meter map from tick 0."""
    if meters is not None:
        return bar_grid.snap(meters, tick, grid)
    return int(round(tick / grid)) * grid


def snap_floor(tick: float, grid: int, meters: MeterMap | None = None) -> int:
    """The grid point at or before tick (as snap_round counts the grid)."""
    if meters is not None:
        return bar_grid.snap(meters, tick, grid, floor=True)
    return int(tick // grid) * grid


def move_delta(anchor: Note, raw_ticks: float, grid: int, free: bool, meters: MeterMap | None = None) -> int:
    """How far to move a group so the grabbed note's onset lands on the grid (Alt = free)."""
    if free:
        return int(round(raw_ticks))
    return snap_round(anchor.onset + raw_ticks, grid, meters) - anchor.onset


def moved(notes: dict[int, Note], ticks: int, semitones: int) -> dict[int, Note]:
    """Shift a group in time and pitch, clamped as a whole so its shape is kept."""
    if not notes:
        return {}
    ticks = max(ticks, -min(n.onset for n in notes.values()))
    semitones = max(MIN_PITCH - min(n.pitch for n in notes.values()),
                    min(semitones, MAX_PITCH - max(n.pitch for n in notes.values())))
    if ticks == 0 and semitones == 0:
        return {}
    return {i: n.with_(onset=n.onset + ticks, pitch=n.pitch + semitones) for i, n in notes.items()}


def resize_delta(anchor: Note, raw_ticks: float, grid: int, free: bool, meters: MeterMap | None = None) -> int:
    """How much to lengthen a group so the grabbed note's end lands on the grid."""
    if free:
        return int(round(raw_ticks))
    return snap_round(anchor.end + raw_ticks, grid, meters) - anchor.end


def resized(notes: dict[int, Note], ticks: int, minimum: int) -> dict[int, Note]:
    """Change every note's length by `ticks`, never below `minimum` ticks (or its own length,
    when it is already shorter)."""
    out = {}
    for i, n in notes.items():
        duration = max(min(minimum, n.duration), n.duration + ticks, 1)
        if duration != n.duration:
            out[i] = n.with_(duration=duration)
    return out


def transposed(notes: dict[int, Note], semitones: int) -> dict[int, Note]:
    """Transpose, or nothing at all when any note would leave the MIDI range."""
    if not notes or semitones == 0:
        return {}
    if min(n.pitch for n in notes.values()) + semitones < MIN_PITCH:
        return {}
    if max(n.pitch for n in notes.values()) + semitones > MAX_PITCH:
        return {}
    return {i: n.with_(pitch=n.pitch + semitones) for i, n in notes.items()}


def quantised(notes: dict[int, Note], grid: int, meters: MeterMap | None = None) -> dict[int, Note]:
    """Onsets and ends to the nearest grid point (the grid counted from each bar line of
    `meters`, else from tick 0: composer.music.transform.quantise), never shorter than a grid
    step; only the notes that change."""
    ids = list(notes)
    out = dict(zip(ids, quantise([notes[i] for i in ids], grid, meters=meters)))
    return {i: n for i, n in out.items() if n != notes[i]}


def with_velocity_delta(notes: dict[int, Note], delta: int) -> dict[int, Note]:
    out = {}
    for i, n in notes.items():
        velocity = max(1, min(127, n.velocity + delta))
        if velocity != n.velocity:
            out[i] = n.with_(velocity=velocity)
    return out


def span(notes: list[Note]) -> tuple[int, int]:
    return min(n.onset for n in notes), max(n.end for n in notes)


def duplicated(notes: list[Note], grid: int) -> list[Note]:
    """Copies placed right after the group, its span rounded up to the grid (to the bar when the
    group fills whole bars, as in most DAWs)."""
    if not notes:
        return []
    start, end = span(notes)
    length = max(grid, -(-(end - start) // grid) * grid)
    return [n.with_(onset=n.onset + length) for n in notes]


def pasted(clipboard: list[Note], at_tick: int) -> list[Note]:
    """Clipboard notes moved so the earliest one starts at `at_tick`; copies are never marked
    as generated (the user placed them)."""
    if not clipboard:
        return []
    start = min(n.onset for n in clipboard)
    return [n.with_(onset=n.onset - start + max(0, at_tick)) for n in clipboard]


def default_length(grid: int) -> int:
    """The length of a clicked note: one grid step, but at least a 1/16."""
    return max(grid, TICKS_PER_QUARTER // 4)
