"""The time ruler above the roll: bars and beats from the time signature, the playhead and the
loop region. Click or drag to place the playhead; Shift-drag (or right-drag) to set the loop;
Ctrl-drag (or double-click a bar) to select whole bars for Fill and Add part."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPolygonF
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget

from composer.ui import edit_ops, palette
from composer.ui.piano_roll import PianoRoll
from composer.ui.roll_geometry import grid_lines

RULER_HEIGHT = 26


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
        sig = roll.document.time_signature
        bar, beat = sig.bar_ticks, sig.beat_ticks
        t0, t1 = int(g.tick_at(sx)), int(g.tick_at(sx + w)) + 1
        if roll.loop is not None:
            x0, x1 = g.x(roll.loop[0]) - sx, g.x(roll.loop[1]) - sx
            p.fillRect(QRectF(x0, 0, x1 - x0, h * 0.45), palette.LOOP_EDGE)
        if self.bar_selection is not None:
            x0, x1 = g.x(self.bar_selection[0]) - sx, g.x(self.bar_selection[1]) - sx
            p.fillRect(QRectF(x0, h * 0.45, x1 - x0, h * 0.55), QColor(90, 160, 255, 110))
        label_every = 1
        while g.x(bar * label_every) < 36:
            label_every *= 2
        p.setPen(QColor(190, 195, 205))
        if g.x(beat) >= 6:
            for tick in grid_lines(t0, t1, beat):
                x = int(g.x(tick)) - sx
                p.drawLine(x, h - 5, x, h)
        for tick in grid_lines(t0, t1, bar):
            x = int(g.x(tick)) - sx
            number = tick // bar
            if number % label_every == 0:
                p.drawLine(x, h - 12, x, h)
                p.drawText(x + 3, h - 10, str(number + 1))
            else:
                p.drawLine(x, h - 7, x, h)
        x = g.x(roll.playhead) - sx
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(palette.PLAYHEAD)
        p.drawPolygon(QPolygonF([QPointF(x - 6, h - 12), QPointF(x + 6, h - 12), QPointF(x, h)]))
        p.end()

    def _snapped(self, x: float) -> int:
        return max(0, edit_ops.snap_round(self.tick_at(x), self.roll.snap.ticks))

    def _bar(self, tick: int) -> tuple[int, int]:
        """Ticks [start, end) of the bar holding tick."""
        from composer.music.score import Score
        from composer.request import bar_at

        return bar_at(Score(time_signature=self.roll.document.time_signature), tick)

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
