"""The piano keyboard left of the roll: note names, and a click plays the key."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget

from composer.music.scales import note_name
from composer.ui.piano_roll import PianoRoll
from composer.ui.roll_painter import BLACK_KEYS

KEYBOARD_WIDTH = 64


class Keyboard(QWidget):
    key_pressed = Signal(int)  # pitch
    key_released = Signal(int)

    def __init__(self, roll: PianoRoll, parent: QWidget | None = None):
        super().__init__(parent)
        self.roll = roll
        self._down: int | None = None
        self.lit: set[int] = set()  # keys held on a MIDI keyboard (composer/ui/midi_bridge.py)
        self.setFixedWidth(KEYBOARD_WIDTH)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        roll.view_changed.connect(self.update)
        self._font = QFont(self.font())
        self._font.setPointSizeF(7.5)

    def pitch_at(self, y: int) -> int:
        return self.roll.geometry_.pitch_at(y + self.roll.scroll_y())

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        g = self.roll.geometry_
        sy = self.roll.scroll_y()
        h = self.height()
        p.fillRect(self.rect(), QColor(235, 235, 232))
        p.setFont(self._font)
        low, high = g.pitch_at(sy + h), g.pitch_at(sy)
        show_all = g.row_height >= 12
        for pitch in range(low, high + 1):
            y = g.y(pitch) - sy
            black = pitch % 12 in BLACK_KEYS
            rect = QRect(0, y, self.width() - 1, g.row_height)
            if black:
                p.fillRect(QRect(0, y, int(self.width() * 0.62), g.row_height), QColor(30, 30, 34))
            if pitch == self._down or pitch in self.lit:
                p.fillRect(rect if not black else QRect(0, y, int(self.width() * 0.62), g.row_height),
                           QColor(255, 160, 90))
            p.setPen(QColor(170, 170, 170))
            p.drawLine(0, y + g.row_height - 1, self.width(), y + g.row_height - 1)
            if pitch % 12 == 0 or (show_all and not black):
                p.setPen(QColor(40, 40, 40) if pitch % 12 else QColor(20, 60, 140))
                p.drawText(rect.adjusted(0, 0, -3, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           note_name(pitch))
            elif show_all and black and g.row_height >= 14:
                p.setPen(QColor(200, 200, 200))
                p.drawText(QRect(2, y, int(self.width() * 0.6), g.row_height), Qt.AlignmentFlag.AlignVCenter,
                           note_name(pitch))
        p.setPen(QColor(120, 120, 120))
        p.drawLine(self.width() - 1, 0, self.width() - 1, h)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._down = self.pitch_at(int(event.position().y()))
            self.key_pressed.emit(self._down)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._down is not None:  # glissando along the keys
            pitch = self.pitch_at(int(event.position().y()))
            if pitch != self._down:
                self.key_released.emit(self._down)
                self._down = pitch
                self.key_pressed.emit(pitch)
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._down is not None:
            self.key_released.emit(self._down)
            self._down = None
            self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802
        self.roll.wheelEvent(event)
