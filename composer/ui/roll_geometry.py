"""Mapping between musical coordinates (ticks, pitches) and content pixels, shared by the roll,
ruler, keyboard and velocity lane so they always line up. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass

from composer.music.score import TICKS_PER_QUARTER

PITCHES = 128
MIN_PX_PER_QUARTER, MAX_PX_PER_QUARTER = 4.0, 800.0
MIN_ROW, MAX_ROW = 4, 40


@dataclass(slots=True)
class RollGeometry:
    px_per_quarter: float = 64.0
    row_height: int = 14

    @property
    def px_per_tick(self) -> float:
        return self.px_per_quarter / TICKS_PER_QUARTER

    def x(self, tick: float) -> float:
        return tick * self.px_per_tick

    def tick_at(self, x: float) -> float:
        return x / self.px_per_tick

    def y(self, pitch: int) -> int:
        """Top edge of the pitch's row (high pitches at the top)."""
        return (PITCHES - 1 - pitch) * self.row_height

    def pitch_at(self, y: float) -> int:
        return max(0, min(PITCHES - 1, PITCHES - 1 - int(y // self.row_height)))

    @property
    def height(self) -> int:
        return PITCHES * self.row_height

    def zoom_x(self, factor: float) -> bool:
        new = min(MAX_PX_PER_QUARTER, max(MIN_PX_PER_QUARTER, self.px_per_quarter * factor))
        changed = new != self.px_per_quarter
        self.px_per_quarter = new
        return changed

    def zoom_y(self, step: int) -> bool:
        new = min(MAX_ROW, max(MIN_ROW, self.row_height + step))
        changed = new != self.row_height
        self.row_height = new
        return changed


def grid_lines(start: int, stop: int, step: int) -> range:
    """Multiples of `step` in [start, stop]."""
    first = -(-start // step) * step
    return range(first, stop + 1, step)
