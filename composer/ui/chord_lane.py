"""The chord lane above the piano roll: the score's chord track (Score.chords), bar by bar.

Double-click a bar (or press Enter on it) to type its chords: one figure for the whole bar
("Am7"), several to share its beats ("F/A G7sus4"; "C / / F": three beats and one, as parse_chord_bars
lays them), nothing to clear it. Figures are checked with
composer.music.chords.root_and_quality (music21's chord-symbol grammar) before anything changes;
a figure it cannot read is named in `message` and the bar stays as it was. Every change is one
undo step (ScoreDocument.set_score_field("chords", ...)). The right-click menu fills the bars
without chords with chords estimated from the notes (composer.music.chords.estimate_chords).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget

from composer.music.chords import ChordSymbol, bar_chart, estimate_chords, parse_chord_bars
from composer.music.meter import MeterMap
from composer.ui import bar_grid
from composer.ui.piano_roll import PianoRoll

LANE_HEIGHT = 24
TEXT_PAD_PX = 4


def replace_bar(chords: list[ChordSymbol], start: int, end: int, new: list[ChordSymbol]) -> list[ChordSymbol]:
    """The chord track with [start, end) replaced by `new`: chords reaching into the bar are cut at
    its edges (the part outside it stays)."""
    kept = []
    for chord in chords:
        if chord.end <= start or chord.onset >= end:
            kept.append(chord)
            continue
        if chord.onset < start:
            kept.append(ChordSymbol(chord.onset, start - chord.onset, chord.figure))
        if chord.end > end:
            kept.append(ChordSymbol(end, chord.end - end, chord.figure))
    return sorted(kept + list(new), key=lambda c: c.onset)


class _BarEditor(QLineEdit):
    """The inline editor; Escape leaves it without changing anything."""

    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # QLineEdit passes Return on; the lane would open the editor again


class ChordLane(QWidget):
    message = Signal(str)  # a figure that could not be read, for the status bar

    def __init__(self, roll: PianoRoll, parent: QWidget | None = None):
        super().__init__(parent)
        self.roll = roll
        self.document = roll.document
        self.setFixedHeight(LANE_HEIGHT)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setToolTip("Chords: double-click a bar to type its chords (Am7, F/A G7sus4); empty clears it")
        self.editor = _BarEditor(self)  # the inline editor over one bar
        self.editor.cancelled.connect(lambda: self._close_editor())
        self.editor.hide()
        self.editor.setPlaceholderText("Am7  or  F/A G7")
        self.editor.returnPressed.connect(self._commit_editor)
        self.editor.editingFinished.connect(self._editor_left)
        self._editing: tuple[int, int] | None = None  # the bar being edited
        self.current_bar = 0  # the bar a key press acts on (the last one clicked)
        roll.view_changed.connect(self._view_changed)
        self.document.score_settings_changed.connect(lambda _name: self.update())

    # --- model ---------------------------------------------------------------------------------
    def chords(self) -> list[ChordSymbol]:
        return list(self.document.field("chords"))

    def meters(self) -> MeterMap:
        return self.document.meter_map()

    def bar_at(self, tick: int) -> tuple[int, int]:
        """(start, end) ticks of the bar holding `tick` (a bar a meter change cuts short ends there)."""
        return bar_grid.bar_at(self.meters(), tick)

    def bar_text(self, tick: int) -> str:
        """The chords starting in the bar holding `tick` as typed ("C / / F": chords.bar_chart), so
        that the text read back keeps them where they are."""
        start, end = self.bar_at(tick)
        return bar_chart(self.chords(), self.meters().at(start), start, end - start)

    def set_bar_text(self, tick: int, text: str) -> str | None:
        """Set the chords of the bar holding `tick` from typed text (one undo step). Returns None,
        or why nothing changed (the figure that could not be read)."""
        start, end = self.bar_at(tick)
        try:
            new = parse_chord_bars(text, self.meters(), start) if text.strip() else []
        except ValueError as error:
            problem = str(error).removeprefix("bar 1: ")
            self.message.emit(f"Chord not changed: {problem}")
            return problem
        chords = replace_bar(self.chords(), start, end, new)
        if chords != self.chords():
            self.document.set_score_field("chords", chords, "Edit chords", merge=False)
        return None

    def fill_estimated(self) -> int:
        """Give every bar without chords (up to the last note) the chords estimated from the notes
        (one undo step). Returns how many chords were added."""
        existing = self.chords()
        estimated = [c for c in estimate_chords(self.document.score())
                     if not any(e.onset < c.end and c.onset < e.end for e in existing)]
        if estimated:
            self.document.set_score_field("chords", sorted(existing + estimated, key=lambda c: c.onset),
                                          "Estimate chords", merge=False)
        return len(estimated)

    # --- geometry --------------------------------------------------------------------------------
    def x_of(self, tick: int) -> float:
        return self.roll.geometry_.x(tick) - self.roll.scroll_x()

    def tick_at(self, x: float) -> int:
        return max(0, int(self.roll.geometry_.tick_at(x + self.roll.scroll_x())))

    # --- painting --------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(40, 42, 49))
        t0, t1 = self.tick_at(0), self.tick_at(self.width()) + 1
        p.setPen(QColor(70, 74, 84))
        for tick in bar_grid.bar_lines(self.meters(), t0, t1):
            x = int(self.x_of(tick))
            p.drawLine(x, 0, x, self.height())
        for chord in self.chords():
            if chord.end < t0 or chord.onset > t1:
                continue
            x0, x1 = self.x_of(chord.onset), self.x_of(chord.end)
            box = QRectF(x0 + 1, 3, max(2.0, x1 - x0 - 2), self.height() - 6)
            p.fillRect(box, QColor(74, 92, 128))
            p.setPen(QColor(230, 234, 242))
            p.drawText(box.adjusted(TEXT_PAD_PX, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       chord.figure)

    # --- editing -------------------------------------------------------------------------------
    def open_editor(self, tick: int) -> None:
        """Show the inline editor over the bar holding `tick`, with its chords."""
        start, end = self.bar_at(tick)
        self._editing = (start, end)
        self.current_bar = start
        x0, x1 = self.x_of(start), self.x_of(end)
        self.editor.setGeometry(int(x0), 0, max(80, int(x1 - x0)), self.height())
        self.editor.setText(self.bar_text(start))
        self.editor.setStyleSheet("")
        self.editor.show()
        self.editor.setFocus()
        self.editor.selectAll()

    def _commit_editor(self) -> None:
        if self._editing is None:
            return
        problem = self.set_bar_text(self._editing[0], self.editor.text())
        if problem:
            self.editor.setStyleSheet("QLineEdit { background: #5a2a2a; }")
            self.editor.setToolTip(problem)
            return  # stays open: the person sees what was wrong and can fix it
        self._close_editor()

    def _editor_left(self) -> None:
        if not self.editor.hasFocus():  # focus went elsewhere: nothing typed is applied
            self._close_editor()

    def _close_editor(self) -> None:
        self._editing = None
        self.editor.hide()
        self.update()

    def _view_changed(self) -> None:
        if self._editing is not None:
            self._close_editor()
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.current_bar = self.bar_at(self.tick_at(event.position().x()))[0]
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.open_editor(self.tick_at(event.position().x()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_editor(self.current_bar)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_bar_text(self.current_bar, "")
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = QMenu(self)
        tick = self.tick_at(event.pos().x())
        menu.addAction("Edit Chords of This Bar…", lambda: self.open_editor(tick))
        menu.addAction("Clear Chords of This Bar", lambda: self.set_bar_text(tick, ""))
        menu.addAction("Estimate Chords for Empty Bars", self.fill_estimated)
        menu.exec(event.globalPos())
