"""The time ruler above the roll: bars and beats from the score's meter map (bar 1 is the first
full bar, a pickup comes before it; each meter change is labelled, e.g. "3/4"), the playhead and the
loop region. Click or drag to place the playhead; Shift-drag (or right-drag) to set the loop;
Ctrl-drag (or double-click a bar) to select whole bars for Fill and Add part."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPolygonF
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget

from composer.ui import bar_grid, edit_ops, palette
from composer.ui.piano_roll import PianoRoll

RULER_HEIGHT = 26
MIN_BEAT_PX = 6  # beat ticks closer than this are left out
MIN_LABEL_PX = 36  # bar numbers at least this far apart (every 2nd, 4th ... bar when zoomed out)
METER_COLOUR = QColor(240, 200, 120)


class Ruler(QWidget):
    seek_requested = Signal(int)  # tick
    loop_requested = Signal(int, int)  # start, end ticks
    bars_selected = Signal(int, int)  # start, end ticks of whole bars (end == start: cleared)

    def __init__(self, roll: PianoRoll, parent: QWidget | None = None):
        super().__init__(parent)
        self.roll = roll
        self._loop_from: int | None = None
        self._bars_from: int | None = None
        self.bar_selection: tuple[int, int] | None = None  # ticks [start, end) of the selected bars
        self.setFixedHeight(RULER_HEIGHT)
        roll.view_changed.connect(self.update)
        # A new time signature moves the bar lines: the roll redrew them, the ruler kept the old
        # bars (3/4 changed to 7/4: numbers and beat ticks of 3/4 over bars of 7) until scrolled.
        roll.document.score_settings_changed.connect(lambda _name: self.update())

    def tick_at(self, x: float) -> int:
        return max(0, int(self.roll.geometry_.tick_at(x + self.roll.scroll_x())))

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        roll, g = self.roll, self.roll.geometry_
        sx, w, h = roll.scroll_x(), self.width(), self.height()
        p.fillRect(self.rect(), QColor(52, 55, 63))
        t0, t1 = int(g.tick_at(sx)), int(g.tick_at(sx + w)) + 1
        if roll.loop is not None:
            x0, x1 = g.x(roll.loop[0]) - sx, g.x(roll.loop[1]) - sx
            p.fillRect(QRectF(x0, 0, x1 - x0, h * 0.45), palette.LOOP_EDGE)
        if self.bar_selection is not None:
            x0, x1 = g.x(self.bar_selection[0]) - sx, g.x(self.bar_selection[1]) - sx
            p.fillRect(QRectF(x0, h * 0.45, x1 - x0, h * 0.55), QColor(90, 160, 255, 110))
        marks = self.marks(t0, t1)
        p.setPen(QColor(190, 195, 205))
        for tick in marks["beats"]:
            x = int(g.x(tick)) - sx
            p.drawLine(x, h - 5, x, h)
        for tick, label in marks["bars"]:
            x = int(g.x(tick)) - sx
            if label is not None:
                p.drawLine(x, h - 12, x, h)
                p.drawText(x + 3, h - 10, label)
            else:
                p.drawLine(x, h - 7, x, h)
        numbers = dict(marks["bars"])
        p.setPen(METER_COLOUR)
        for tick, text in marks["meters"]:  # after the bar's number, in its own colour
            label = numbers.get(tick)
            offset = 3 + (p.fontMetrics().horizontalAdvance(label) + 4 if label else 0)
            p.drawText(int(g.x(tick)) - sx + offset, h - 10, text)
        x = g.x(roll.playhead) - sx
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(palette.PLAYHEAD)
        p.drawPolygon(QPolygonF([QPointF(x - 6, h - 12), QPointF(x + 6, h - 12), QPointF(x, h)]))
        p.end()

    def marks(self, t0: int, t1: int) -> dict[str, list]:
        """What the ruler draws for ticks [t0, t1] (480 per quarter), from the meter map:
        "bars": (tick, its number as text, or None where zoomed out too far to number every bar),
        "beats": beat ticks between bar lines (none when closer than MIN_BEAT_PX), "meters":
        (tick, "3/4") where the meter changes (a piece in one meter has none)."""
        g, meters = self.roll.geometry_, self.roll.document.meter_map()
        label_every = 1
        while g.x(min(c.bar_ticks for c in meters.changes) * label_every) < MIN_LABEL_PX:
            label_every *= 2
        ticks = bar_grid.bar_lines(meters, t0, t1)
        first = bar_grid.bar_number(meters, ticks[0]) if ticks else 0
        bars = [(tick, str(first + i) if (first + i - 1) % label_every == 0 else None)
                for i, tick in enumerate(ticks)]
        shortest_beat = min(c.beat_ticks for c in meters.changes)
        beats = bar_grid.beat_lines(meters, t0, t1) if g.x(shortest_beat) >= MIN_BEAT_PX else []
        return {"bars": bars, "beats": beats, "meters": bar_grid.meter_marks(meters, t0, t1)}

    def _snapped(self, x: float) -> int:
        return max(0, edit_ops.snap_round(self.tick_at(x), self.roll.snap.ticks, self.roll.document.meter_map()))

    def _bar(self, tick: int) -> tuple[int, int]:
        """Ticks [start, end) of the bar holding tick, by the meter map (a pickup bar from 0)."""
        start, end = bar_grid.bar_at(self.roll.document.meter_map(), tick)
        return max(0, start), end

    def select_bars(self, start: int, end: int) -> None:
        """Select ticks [start, end) (whole bars); start == end clears the selection."""
        self.bar_selection = (start, end) if end > start else None
        self.update()
        self.bars_selected.emit(start, end)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.select_bars(*self._bar(self.tick_at(event.position().x())))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        x = event.position().x()
        if event.button() == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._bars_from = self.tick_at(x)
            self.select_bars(*self._bar(self._bars_from))
            return
        loop_gesture = (event.button() == Qt.MouseButton.RightButton
                        or event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if loop_gesture:
            self._loop_from = self._snapped(x)
        elif event.button() == Qt.MouseButton.LeftButton:
            # A plain click away from the selected bars lets go of them (they bound Fill and Add part)
            tick = self.tick_at(x)
            if self.bar_selection is not None and not self.bar_selection[0] <= tick < self.bar_selection[1]:
                self.select_bars(0, 0)
            self.seek_requested.emit(self._snapped(x))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        x = event.position().x()
        if self._bars_from is not None:
            first, last = sorted((self._bars_from, self.tick_at(x)))
            start, end = self._bar(first)[0], self._bar(last)[1]
            if (start, end) != self.bar_selection:
                self.select_bars(start, end)
            return
        if self._loop_from is not None:
            end = self._snapped(x)
            if end != self._loop_from:
                self.loop_requested.emit(min(self._loop_from, end), max(self._loop_from, end))
        elif event.buttons() & Qt.MouseButton.LeftButton:
            self.seek_requested.emit(self._snapped(x))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._loop_from = None
        self._bars_from = None
