"""The velocity lane under the roll: one stem per visible note, its height the velocity. Drag a
stem up or down; when the note is selected, every selected note changes by the same amount."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from composer.music.score import Note
from composer.ui import edit_ops, palette
from composer.ui.piano_roll import PianoRoll, readout_text

LANE_HEIGHT = 80
MARGIN = 4  # pixels above velocity 127 and below velocity 1
GRAB_PX = 5
STEM_INSET_PX = 4  # a stem sits this far inside its note, so the first note's knob is not cut off
VOICE_STEP_PX = 5  # stems of simultaneous notes in different voices stand side by side


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
        self.setMouseTracking(True)  # the readout follows the pointer
        self.readout = ""  # the note under the pointer or being changed: 'E5  3:2  vel 80'
        self._readout_x = 0.0
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

    def stem_x(self, note: Note, rank: int = 0) -> float:
        """x of a note's stem; `rank` is the voice's place among voices starting a note at the
        same tick (0 for the lowest voice), so their stems do not hide one another."""
        return self.roll.geometry_.x(note.onset) - self.roll.scroll_x() + STEM_INSET_PX + rank * VOICE_STEP_PX

    def _visible(self) -> list[int]:
        t0, t1 = self.roll.visible_ticks()
        return [i for i in self.document.store.in_range(t0, t1 + 1) if self.document.store[i].onset >= t0]

    def stem_positions(self) -> dict[int, float]:
        """Stem x of every visible note (by id)."""
        store = self.document.store
        ids = self._visible()
        voices_at: dict[int, set[int]] = {}
        for i in ids:
            voices_at.setdefault(store[i].onset, set()).add(store[i].voice)
        out = {}
        for i in ids:
            note = store[i]
            rank = sorted(voices_at[note.onset]).index(note.voice)
            out[i] = self.stem_x(note, rank)
        return out

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(30, 32, 37))
        p.setPen(QColor(55, 58, 66))
        for velocity in (32, 64, 96):
            y = int(self.y_of(velocity))
            p.drawLine(0, y, self.width(), y)
        store, selection = self.document.store, self.document.selection
        bottom = self.height() - MARGIN
        for i, x in self.stem_positions().items():
            note = self._preview.get(i, store[i])
            y = self.y_of(note.velocity)
            selected = i in selection
            colour = palette.note_fill(note.voice, palette.velocity_level(note.velocity), note.generated, selected)
            p.setPen(QPen(colour, 2))
            p.drawLine(int(x), int(bottom), int(x), int(y))
            p.setBrush(colour if not selected else palette.SELECTION_EDGE)
            p.drawEllipse(QRectF(x - 3, y - 3, 6, 6))
        if self.readout:
            box = p.fontMetrics().boundingRect(self.readout).adjusted(-4, -2, 4, 2)
            box.moveTopLeft(QPoint(int(self._readout_x) + 8, 2))
            if box.right() > self.width():
                box.moveRight(int(self._readout_x) - 8)
            p.fillRect(box, QColor(20, 22, 26, 220))
            p.setPen(QColor(235, 235, 235))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.readout)
        p.end()

    def _set_readout(self, note_id: int | None, x: float) -> None:
        text = ""
        if note_id is not None:
            note = self._preview.get(note_id, self.document.store[note_id])
            voices = self.document.voices
            text = readout_text(note.pitch, note.onset, self.document.meter_map(), note.velocity,
                                self.document.key_at(note.onset), self.document.chord_at(note.onset),
                                drum=0 <= note.voice < len(voices) and voices[note.voice].is_drum)
        if (text, x) != (self.readout, self._readout_x):
            self.readout, self._readout_x = text, x
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self._grab is None:
            self._set_readout(None, 0.0)
        super().leaveEvent(event)

    def _stem_near(self, x: float) -> int | None:
        store, selection = self.document.store, self.document.selection
        best, best_key = None, None
        for i, stem in self.stem_positions().items():
            distance = abs(stem - x)
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
        self._set_readout(note_id, event.position().x())

    def _drag_to(self, y: float) -> None:
        anchor, start_velocity, originals = self._grab
        delta = self.velocity_at(y) - start_velocity
        self._preview = edit_ops.with_velocity_delta(originals, delta)
        self.update()
        self.roll.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        x = event.position().x()
        if self._grab is not None:
            self._drag_to(event.position().y())
            self._set_readout(self._grab[0], x)
        else:
            self._set_readout(self._stem_near(x), x)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._grab is None:
            return
        self._drag_to(event.position().y())
        preview, self._preview, self._grab = self._preview, {}, None
        if preview:
            self.document.change_notes(preview, "Change velocity")
        x = event.position().x()
        self._set_readout(self._stem_near(x), x)
        self.update()
