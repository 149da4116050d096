"""The piano keyboard left of the roll: note names (spelled in the written key in view, as
PianoRoll.spelling_key says), and a click plays the key."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget

from composer.music.instruments import drum_name
from composer.music.scales import spelled_name
from composer.ui.piano_roll import PianoRoll
from composer.ui.roll_painter import BLACK_KEYS

KEYBOARD_WIDTH = 64
DRUM_KEYBOARD_WIDTH = 118  # room for "Closed Hi-Hat"
# Shorter names a drummer uses, where General MIDI's are long-winded.
DRUM_LABELS = {35: "Kick 2", 36: "Kick", 37: "Side Stick", 38: "Snare", 39: "Clap", 40: "Snare 2",
               49: "Crash", 51: "Ride", 57: "Crash 2", 59: "Ride 2"}


def drum_label(pitch: int) -> str | None:
    """The drum on a key of a drum voice ("Kick", "Snare", "Closed Hi-Hat"), None off the GM map."""
    return DRUM_LABELS.get(pitch) or drum_name(pitch)


class Keyboard(QWidget):
    key_pressed = Signal(int)  # pitch
    key_released = Signal(int)

    def __init__(self, roll: PianoRoll, parent: QWidget | None = None):
        super().__init__(parent)
        self.roll = roll
        self._down: int | None = None
        self.lit: set[int] = set()  # keys held on a MIDI keyboard (composer/ui/midi_bridge.py)
        self.drums = False  # the draw voice is a drum voice: rows are named by drum
        self.setFixedWidth(KEYBOARD_WIDTH)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        roll.view_changed.connect(self.update)
        roll.spelling_changed.connect(self.update)
        roll.document.score_settings_changed.connect(lambda _name: self.update())  # a key set, a file opened
        self._font = QFont(self.font())
        self._font.setPointSizeF(7.5)

    def set_drums(self, drums: bool) -> None:
        if drums != self.drums:
            self.drums = drums
            self.setFixedWidth(DRUM_KEYBOARD_WIDTH if drums else KEYBOARD_WIDTH)
            self.update()

    def label(self, pitch: int) -> str:
        """The row's name as shown: the drum on a drum voice, else the note name in the written
        key in view (D major's 'C#4', Bb major's 'Db4')."""
        return (drum_label(pitch) if self.drums else None) or spelled_name(pitch, self.roll.spelling_key())

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
        key = self.roll.spelling_key()
        if self.drums:
            self._paint_drums(p, low, high)
            p.end()
            return
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
                           spelled_name(pitch, key))
            elif show_all and black and g.row_height >= 14:
                p.setPen(QColor(200, 200, 200))
                p.drawText(QRect(2, y, int(self.width() * 0.6), g.row_height), Qt.AlignmentFlag.AlignVCenter,
                           spelled_name(pitch, key))
        p.setPen(QColor(120, 120, 120))
        p.drawLine(self.width() - 1, 0, self.width() - 1, h)
        p.end()

    def _paint_drums(self, p: QPainter, low: int, high: int) -> None:
        g, sy = self.roll.geometry_, self.roll.scroll_y()
        for pitch in range(low, high + 1):
            y = g.y(pitch) - sy
            rect = QRect(0, y, self.width() - 1, g.row_height)
            name = drum_label(pitch)
            if pitch == self._down or pitch in self.lit:
                p.fillRect(rect, QColor(255, 160, 90))
            elif name is None:
                p.fillRect(rect, QColor(205, 205, 202))  # no drum on this key
            p.setPen(QColor(170, 170, 170))
            p.drawLine(0, y + g.row_height - 1, self.width(), y + g.row_height - 1)
            if name is not None and g.row_height >= 8:
                p.setPen(QColor(30, 30, 30))
                p.drawText(rect.adjusted(4, 0, -3, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        p.setPen(QColor(120, 120, 120))
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())

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
