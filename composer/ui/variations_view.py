"""The list of continuations: a mini piano-roll preview per variation (seed grey, new notes in
colour), and the actions on the selected one: audition, accept, regenerate, continue from it.
Once one is accepted the list says so: that one ticked as in the score, the others set aside."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from composer.music.score import Note
from composer.ui import palette
from composer.ui.cowriter import Variation

PREVIEW = QSize(180, 54)
ACCEPT_TIP = "Put the selected variation's new notes into the score (undoable)"
CONTINUE_TIP = "Use the selected variation as the seed and continue it further"
REGENERATE_TIP = ("Write new variations of the same seed or bars, with the co-writer settings as they are now "
                  "(style, key lock, length, controls…)")
REGENERATE_STALE_TIP = ("Write new variations from the score as it is now, with the co-writer settings as they "
                        "are now")
SET_ASIDE = QColor(140, 140, 140)  # the text of variations passed over for the accepted one


def preview_pixmap(seed: list[Note], new: list[Note], size: QSize = PREVIEW) -> QPixmap:
    pixmap = QPixmap(size)
    pixmap.fill(palette.BACKGROUND)
    notes = seed + new
    if not notes:
        return pixmap
    start, end = min(n.onset for n in notes), max(n.end for n in notes)
    low, high = min(n.pitch for n in notes) - 1, max(n.pitch for n in notes) + 1
    sx = size.width() / max(1, end - start)
    row = size.height() / max(1, high - low + 1)
    p = QPainter(pixmap)
    p.setPen(Qt.PenStyle.NoPen)
    for group, colour in ((seed, QColor(150, 150, 160)), (new, None)):
        for n in group:
            fill = colour or palette.note_fill(n.voice, palette.velocity_level(n.velocity), True, False)
            p.fillRect(QRectF((n.onset - start) * sx, (high - n.pitch) * row, max(1.5, n.duration * sx - 0.5),
                              max(1.5, row)), fill)
    p.end()
    return pixmap


def preview_notes(variation: Variation) -> tuple[list[Note], list[Note]]:
    """(context, new) notes a preview shows: the new notes and every voice's notes within two
    bars of them, so a fill or an added part is seen with what it sits in."""
    new = list(variation.added)
    fresh = set(new)
    meters = variation.score.meter_map()
    low, high = min((n.onset for n in new), default=0), max((n.end for n in new), default=0)
    low, high = low - 2 * meters.at(low).bar_ticks, high + 2 * meters.at(high).bar_ticks  # bars there
    return [n for n in variation.score.notes if n not in fresh and n.end > low and n.onset < high], new


class _PreviewList(QListWidget):
    """The variation list; it prefers its minimum height (two previews) and grows into the room
    left. At QListWidget's own preferred height the panel had 2 px to spare in its dock at the
    default window size, and the out-of-date line then brought both scroll bars (Add part cut
    off at the right edge, QA)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().sizeHint().width(), self.minimumHeight())


class VariationsView(QWidget):
    selected = Signal(object)  # Variation | None
    audition_requested = Signal(object)
    accept_requested = Signal(object)
    regenerate_requested = Signal()
    continue_from_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.variations: list[Variation] = []
        self.stale = False
        self.accepted: Variation | None = None  # the variation of this list that is in the score now
        self._texts: list[str] = []  # each item's own text, put back when the accept is undone
        self.stale_label = QLabel("⚠ Out of date: the score changed after these were written. "
                                  "Regenerate to write new ones from the score as it is now.")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet("color: #c08a1a")
        self.stale_label.hide()
        # In the stale line's place (the two are never shown together), as short, so the panel keeps
        # fitting its dock (test_panel_fits_when_stale).
        self.accepted_label = QLabel("")
        self.accepted_label.setWordWrap(True)
        self.accepted_label.setStyleSheet("color: #3a9a4a")
        self.accepted_label.hide()
        self.list = _PreviewList()
        self.list.setIconSize(PREVIEW)
        self.list.setSpacing(2)
        self.list.setMinimumHeight(2 * PREVIEW.height() + 24)  # two previews, however small the window
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self._emit(self.accept_requested))
        self.audition_button = QPushButton("▶ Audition")
        self.accept_button = QPushButton("✔ Accept")
        self.regenerate_button = QPushButton("↻ Regenerate")
        self.continue_button = QPushButton("⇢ Continue from this")
        self.audition_button.setToolTip("Play the selected variation from the bar before its new notes")
        self.accept_button.setToolTip(ACCEPT_TIP)
        self.regenerate_button.setToolTip(REGENERATE_TIP)
        self.continue_button.setToolTip(CONTINUE_TIP)
        self.audition_button.clicked.connect(lambda: self._emit(self.audition_requested))
        self.accept_button.clicked.connect(lambda: self._emit(self.accept_requested))
        self.regenerate_button.clicked.connect(self.regenerate_requested.emit)
        self.continue_button.clicked.connect(lambda: self._emit(self.continue_from_requested))
        buttons = QHBoxLayout()
        for b in (self.audition_button, self.accept_button):
            buttons.addWidget(b)
        buttons2 = QHBoxLayout()
        for b in (self.regenerate_button, self.continue_button):
            buttons2.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.accepted_label)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addLayout(buttons2)
        self._update_buttons()

    def set_variations(self, variations: list[Variation], existing: list[Note]) -> None:
        self.variations = list(variations)
        self.accepted = None
        self.accepted_label.hide()
        self.list.clear()
        self._texts = []
        for v in variations:
            seed, new = preview_notes(v)
            self._texts.append(f"Variation {v.number}\n{len(new)} new notes")
            self.list.addItem(QListWidgetItem(QIcon(preview_pixmap(seed, new)), self._texts[-1]))
        self.stale = False
        self.stale_label.hide()
        if variations:
            self.list.setCurrentRow(0)
        self._update_buttons()

    def set_stale(self, stale: bool) -> None:
        """Out-of-date variations: say so, keep Audition, turn Accept off and point at Regenerate."""
        stale = stale and bool(self.variations)
        if stale != self.stale:
            self.stale = stale
            self.stale_label.setVisible(stale and self.accepted is None)
            # (the label keeps its length: "Regenerate from the score now" widened the panel past
            # its dock; the warning line above says it, and the tooltip)
            self.regenerate_button.setToolTip(REGENERATE_STALE_TIP if stale else REGENERATE_TIP)
            self._update_buttons()

    def set_accepted(self, variation: Variation | None) -> None:
        """`variation` (one of this list) is in the score; None: none is (Ctrl+Z took it out, or
        it was edited away). After Accept the list had stayed as it was, as if the takes still
        waited to be chosen (QA): now the accepted one is ticked and the others are set aside, a
        line says so, and Accept and Continue from this are off (the others were written for the
        score before it; Continue writes on from the score as it is now)."""
        if variation is self.accepted:
            return
        self.accepted = variation
        for row, (v, text) in enumerate(zip(self.variations, self._texts)):
            item = self.list.item(row)
            # (in place of the notes count: a longer line put a scroll bar under the list)
            name = f"Variation {v.number}"
            item.setText(text if variation is None else f"{name} ✔\nin the score" if v is variation else
                         f"{name}\nset aside")
            if variation is None or v is variation:
                item.setData(Qt.ItemDataRole.ForegroundRole, None)  # the list's own colour
            else:
                item.setForeground(QBrush(SET_ASIDE))
        if variation is not None:
            self.accepted_label.setText(f"✔ Variation {variation.number} is in the score (Ctrl+Z takes it out); "
                                        "the others are set aside. Continue writes new ones.")
        self.accepted_label.setVisible(variation is not None)
        self.stale_label.setVisible(self.stale and variation is None)
        self._update_buttons()

    def current(self) -> Variation | None:
        row = self.list.currentRow()
        return self.variations[row] if 0 <= row < len(self.variations) else None

    def _row_changed(self, _row: int) -> None:
        self._update_buttons()
        self.selected.emit(self.current())

    def _emit(self, signal) -> None:
        variation = self.current()
        if variation is not None:
            signal.emit(variation)

    def _update_buttons(self) -> None:
        has = self.current() is not None
        self.audition_button.setEnabled(has)
        taken = (f"Variation {self.accepted.number} is in the score (Ctrl+Z takes it out); Continue writes "
                 "on from the score as it is now" if self.accepted is not None else "")
        for b, tip in ((self.accept_button, ACCEPT_TIP), (self.continue_button, CONTINUE_TIP)):
            b.setEnabled(has and not self.stale and not taken)
            b.setToolTip(taken or ("Out of date (the score changed): Regenerate first" if self.stale else tip))
        self.regenerate_button.setEnabled(bool(self.variations))
