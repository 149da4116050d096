"""The editing area: tool bar (tool, snap), ruler, keyboard, piano roll and velocity lane laid out
so they scroll and zoom together, plus the editing actions (select all, duplicate, clipboard,
quantise, zoom) bound to the usual keys: the editing keys while the editor has focus, the view
keys and Select None wherever focus is in the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QToolBar, QVBoxLayout, QWidget

from composer.music.score import Note
from composer.ui import edit_ops
from composer.ui.chord_lane import ChordLane
from composer.ui.document import ScoreDocument
from composer.ui.keyboard import KEYBOARD_WIDTH, Keyboard
from composer.ui.piano_roll import PianoRoll
from composer.ui.ruler import Ruler
from composer.ui.velocity_lane import VelocityLane


class EditorView(QWidget):
    def __init__(self, document: ScoreDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.clipboard: list[Note] = []
        self.roll = PianoRoll(document)
        self.keyboard = Keyboard(self.roll)
        self.ruler = Ruler(self.roll)
        self.velocity_lane = VelocityLane(self.roll)
        self.chord_lane = ChordLane(self.roll)
        self.toolbar = QToolBar("Editing")
        self._build_actions()

        grid = QGridLayout()
        grid.setSpacing(0)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.ruler, 0, 1)
        chords_label = QLabel("Chords")
        chords_label.setFixedWidth(KEYBOARD_WIDTH)
        chords_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(chords_label, 1, 0)
        grid.addWidget(self.chord_lane, 1, 1)  # rows below: keyboard and roll, then the velocity lane
        grid.addWidget(self.keyboard, 2, 0)
        grid.addWidget(self.roll, 2, 1)
        lane_label = QLabel("Vel")
        lane_label.setFixedWidth(KEYBOARD_WIDTH)
        lane_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(lane_label, 3, 0)
        grid.addWidget(self.velocity_lane, 3, 1)
        grid.setRowStretch(2, 1)
        # The lane sits under the roll's viewport, not under its vertical scroll bar.
        self.roll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.velocity_lane.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addLayout(grid)

    # --- actions -----------------------------------------------------------------------------
    def _action(self, text: str, shortcut, slot, *, toolbar: bool = False, window: bool = False) -> QAction:
        """`window`: the shortcut works wherever focus is in the window (keys no text field uses);
        otherwise only while the editor has focus, so Ctrl+C in a text field still copies text."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut if window
                                      else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        return action

    def _build_actions(self) -> None:
        tools = QActionGroup(self)
        self.draw_action = QAction("✎ Draw", self, checkable=True, checked=True)
        self.select_action = QAction("⬚ Select", self, checkable=True)
        for action, name, key in ((self.draw_action, "draw", "D"), (self.select_action, "select", "S")):
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{action.text()[2:]} tool ({key})")
            action.triggered.connect(lambda _=False, n=name: self.set_tool(n))
            tools.addAction(action)
            self.addAction(action)
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" Snap "))
        self.snap_box = QComboBox()
        for snap in edit_ops.SNAP_CHOICES:
            self.snap_box.addItem(snap.label, snap)
        self.snap_box.setCurrentIndex(self.snap_box.findText("1/16"))
        self.snap_box.currentIndexChanged.connect(lambda i: self.roll.set_snap(self.snap_box.itemData(i)))
        self.snap_box.setToolTip("Grid for drawing, moving and resizing (hold Alt for free placement)")
        self.toolbar.addWidget(self.snap_box)
        self.quantise_action = self._action("Quantise", "Q", self.quantise_selection, toolbar=True)
        self.toolbar.addSeparator()
        self.select_all_action = self._action("Select All", QKeySequence.StandardKey.SelectAll, self.select_all)
        self.select_none_action = self._action("Select &None", "Ctrl+Shift+A", self.select_none, window=True)
        self.select_none_action.setToolTip("Deselect every note and the bars selected on the ruler "
                                           "(Ctrl+Shift+A, or Escape)")
        self.duplicate_action = self._action("Duplicate", "Ctrl+D", self.duplicate_selection)
        self.copy_action = self._action("Copy", QKeySequence.StandardKey.Copy, self.copy_selection)
        self.cut_action = self._action("Cut", QKeySequence.StandardKey.Cut, self.cut_selection)
        self.paste_action = self._action("Paste at Playhead", QKeySequence.StandardKey.Paste, self.paste)
        self.delete_action = self._action("Delete", None, lambda: self.document.delete_notes(self.document.selection))
        # The view keys work wherever focus is in the window: after Accept (focus on its button)
        # Ctrl+0 and Ctrl+= did nothing until the roll was clicked (QA); no text field uses them.
        self.zoom_in_action = self._action("Zoom In", "Ctrl+=", lambda: self.roll.zoom_horizontal(1.25), toolbar=True,
                                           window=True)
        self.zoom_out_action = self._action("Zoom Out", "Ctrl+-", lambda: self.roll.zoom_horizontal(0.8), toolbar=True,
                                            window=True)
        self.taller_action = self._action("Taller Rows", "Ctrl+Shift+=", lambda: self.roll.zoom_vertical(2), window=True)
        self.shorter_action = self._action("Shorter Rows", "Ctrl+Shift+-", lambda: self.roll.zoom_vertical(-2),
                                           window=True)
        self.fit_action = self._action("Zoom to &Fit", "Ctrl+0", self.zoom_to_fit, toolbar=True, window=True)
        self.fit_action.setToolTip("Show the selected notes, or every note (the previewed variation's too), "
                                   "as large as they fit (Ctrl+0)")
        self.edit_actions = [self.select_all_action, self.select_none_action, self.duplicate_action, self.copy_action, self.cut_action,
                             self.paste_action, self.delete_action, self.quantise_action]
        self.view_actions = [self.zoom_in_action, self.zoom_out_action, self.taller_action, self.shorter_action,
                             self.fit_action]

    def zoom_to_fit(self) -> None:
        """The selection (or, with nothing selected, every note and the previewed variation's:
        a bass preview was left off-screen, QA) fills the roll."""
        notes = list(self.document.selected_notes().values()) or self.document.store.notes() + self.roll.ghosts
        self.roll.fit_to(notes, zoom_in=True)

    def set_tool(self, name: str) -> None:
        self.roll.tool = name
        (self.draw_action if name == "draw" else self.select_action).setChecked(True)

    # --- editing commands --------------------------------------------------------------------
    def select_all(self) -> None:
        self.document.set_selection(self.document.store.ids())

    def select_none(self) -> None:
        """Nothing selected: no notes and no bars. A selection seeds Continue and bounds Fill and
        Add part, so one left behind (the note just drawn, bars picked for a fill) quietly made
        the next Add part > Bass cover bars 5-6 alone (QA)."""
        self.document.set_selection(set())
        if self.ruler.bar_selection is not None:
            self.ruler.select_bars(0, 0)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():  # the roll passes it on when not dragging
            self.select_none()
        else:
            super().keyPressEvent(event)

    def duplicate_selection(self) -> None:
        notes = list(self.document.selected_notes().values())
        copies = [n.with_(generated=False) for n in edit_ops.duplicated(notes, self.roll.snap.ticks)]
        self.document.add_notes(copies, "Duplicate")

    def copy_selection(self) -> None:
        self.clipboard = list(self.document.selected_notes().values())

    def cut_selection(self) -> None:
        self.copy_selection()
        self.document.delete_notes(self.document.selection, "Cut")

    def paste(self) -> None:
        notes = [n.with_(generated=False) for n in edit_ops.pasted(self.clipboard, self.roll.playhead)]
        self.document.add_notes(notes, "Paste")

    def quantise_selection(self) -> None:
        self.document.change_notes(edit_ops.quantised(self.document.selected_notes(), self.roll.snap.ticks,
                                                       self.document.meter_map()),
                                   "Quantise")
