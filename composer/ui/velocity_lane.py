"""The velocity lane under the roll: one stem per visible note, its height the velocity. Drag a
stem up or down; when the note is selected, every selected note changes by the same amount."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from composer.music.score import Note
from composer.ui import edit_ops, palette
from composer.ui.piano_roll import PianoRoll

LANE_HEIGHT = 80
MARGIN = 4  # pixels above velocity 127 and below velocity 1
GRAB_PX = 5


class VelocityLane(QWidget):
    def __init__(self, roll: PianoRoll, parent: QWidget | None = None):
        super().__init__(parent)
        self.roll = roll
        self.document = roll.document
        self._grab: tuple[int, int, dict[int, Note]] | None = None  # anchor id, press velocity, originals
        self._preview: dict[int, Note] = {}
        self.setMinimumHeight(LANE_HEIGHT)
        self.setMaximumHeight(LANE_HEIGHT)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        roll.view_changed.connect(self.update)
        self.document.notes_changed.connect(self.update)
        self.document.selection_changed.connect(self.update)

    # velocity <-> y
    def y_of(self, velocity: int) -> float:
        usable = self.height() - 2 * MARGIN
        return MARGIN + usable * (1 - velocity / 127)

    def velocity_at(self, y: float) -> int:
        usable = self.height() - 2 * MARGIN
        return max(1, min(127, round(127 * (1 - (y - MARGIN) / usable))))

    def stem_x(self, note: Note) -> float:
        return self.roll.geometry_.x(note.onset) - self.roll.scroll_x() + 1

    def _visible(self) -> list[int]:
        t0, t1 = self.roll.visible_ticks()
        return [i for i in self.document.store.in_range(t0, t1 + 1) if self.document.store[i].onset >= t0]

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(30, 32, 37))
        p.setPen(QColor(55, 58, 66))
        for velocity in (32, 64, 96):
            y = int(self.y_of(velocity))
            p.drawLine(0, y, self.width(), y)
        store, selection = self.document.store, self.document.selection
        bottom = self.height() - MARGIN
        for i in self._visible():
            note = self._preview.get(i, store[i])
            x = self.stem_x(note)
            y = self.y_of(note.velocity)
            selected = i in selection
            colour = palette.note_fill(note.voice, palette.velocity_level(note.velocity), note.generated, selected)
            p.setPen(QPen(colour, 2))
            p.drawLine(int(x), int(bottom), int(x), int(y))
            p.setBrush(colour if not selected else palette.SELECTION_EDGE)
            p.drawEllipse(QRectF(x - 3, y - 3, 6, 6))
        p.end()

    def _stem_near(self, x: float) -> int | None:
        store, selection = self.document.store, self.document.selection
        best, best_key = None, None
        for i in self._visible():
            distance = abs(self.stem_x(store[i]) - x)
            if distance <= GRAB_PX:
                key = (i not in selection, distance, -store[i].velocity)  # prefer selected, nearest, loudest
                if best_key is None or key < best_key:
                    best, best_key = i, key
        return best

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return
        note_id = self._stem_near(event.position().x())
        if note_id is None:
            return
        doc = self.document
        group = doc.selected_notes() if note_id in doc.selection else {note_id: doc.store[note_id]}
        self._grab = (note_id, doc.store[note_id].velocity, group)
        self._drag_to(event.position().y())

    def _drag_to(self, y: float) -> None:
        anchor, start_velocity, originals = self._grab
        delta = self.velocity_at(y) - start_velocity
        self._preview = edit_ops.with_velocity_delta(originals, delta)
        self.update()
        self.roll.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._grab is not None:
            self._drag_to(event.position().y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._grab is None:
            return
        self._drag_to(event.position().y())
        preview, self._preview, self._grab = self._preview, {}, None
        if preview:
            self.document.change_notes(preview, "Change velocity")
        self.update()
