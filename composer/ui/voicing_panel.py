"""Per-voice instrument (General MIDI), volume, pan, mute and solo; used by playback and export.
Each change is an undoable edit of the score's voices. The selected row is the voice new notes
are drawn in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton,
    QButtonGroup, QSlider, QVBoxLayout, QWidget,
)

from composer.music.instruments import GM_FAMILIES, GM_PROGRAM_NAMES
from composer.ui import palette
from composer.ui.document import ScoreDocument

# General MIDI 2 / GS drum kits (bank 128 programs); the window keeps those the soundfont has.
GM_DRUM_KITS: dict[int, str] = {0: "Standard Kit", 8: "Room Kit", 16: "Power Kit", 24: "Electronic Kit",
                                25: "TR-808 Kit", 32: "Jazz Kit", 40: "Brush Kit", 48: "Orchestra Kit",
                                56: "SFX Kit"}


class VoiceName(QWidget):
    """The voice's colour in the roll (a swatch) and its name, edited in place."""

    def __init__(self, index: int, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.colour = palette.note_fill(index, 6, False, False)
        self.swatch = QLabel()
        pixmap = QPixmap(12, 12)
        pixmap.fill(self.colour)
        self.swatch.setPixmap(pixmap)
        self.swatch.setToolTip("This voice's colour in the piano roll")
        self.edit = QLineEdit(name)
        self.edit.setToolTip("The voice's name (edit to rename it)")
        self._fit(name)
        # A name longer than the box shows its start ("Counter-mel"), not its end ("ter-melody"):
        # QLineEdit scrolls to the cursor, which setText leaves at the end.
        self.edit.setCursorPosition(0)
        self.edit.editingFinished.connect(lambda: self.edit.setCursorPosition(0))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.swatch)
        layout.addWidget(self.edit, 1)

    # The box is as wide as the name, up to this: cut at a fixed 70 px, two voices of one
    # instrument read "Acoustic Gra" twice, their "(ch 1)" / "(ch 2)" out of sight (QA qa14).
    MAX_NAME_WIDTH = 260

    def _fit(self, name: str) -> None:
        room = self.edit.fontMetrics().horizontalAdvance(name) + 16  # (the frame and text margins)
        self.edit.setMinimumWidth(max(70, min(room, self.MAX_NAME_WIDTH)))

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name, which callers used
        if not self.edit.hasFocus():
            self.edit.setText(text)
            self.edit.setCursorPosition(0)
            self._fit(text)

    def text(self) -> str:
        return self.edit.text()


class InstrumentBox(QComboBox):
    """General MIDI programs grouped by family (a heading per family) with type-to-search, or for
    a drum voice its kits. The item data is the program number (None on headings)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.drums: bool | None = None
        self.kits = dict(GM_DRUM_KITS)
        completer = QCompleter(self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "viol" finds Violin and Viola
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.lineEdit().editingFinished.connect(self._typed)

    def fill(self, drums: bool, kits: dict[int, str] | None = None) -> None:
        if kits is not None:
            self.kits = dict(kits) or dict(GM_DRUM_KITS)
        if drums == self.drums and kits is None:
            return
        self.drums = drums
        self.blockSignals(True)
        self.clear()
        if drums:
            for program, name in sorted(self.kits.items()):
                self.addItem(name, program)
            self.setToolTip("The drum kit (the soundfont's kits)")
        else:
            model = self.model()
            for family_index, family in enumerate(GM_FAMILIES):
                self.addItem(f"— {family} —", None)
                heading = model.item(self.count() - 1) if isinstance(model, QStandardItemModel) else None
                if heading is not None:
                    heading.setEnabled(False)
                for program in range(family_index * 8, family_index * 8 + 8):
                    self.addItem(f"{program + 1} {GM_PROGRAM_NAMES[program]}", program)
            self.setToolTip("The instrument (General MIDI); type to search")
        # Search only among playable entries, never the headings.
        self.completer().setModel(self.model())
        self.completer().setCompletionColumn(0)
        self.blockSignals(False)

    def set_program(self, program: int) -> None:
        index = self.findData(program)
        if index < 0 and self.drums:  # a kit the soundfont lacks: show it anyway, by its GM name
            self.addItem(GM_DRUM_KITS.get(program, f"Kit {program + 1}"), program)
            index = self.count() - 1
        self.setCurrentIndex(index)

    def _typed(self) -> None:
        """Typed text that names no entry goes back to the current instrument."""
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        if index >= 0 and self.itemData(index) is not None:
            self.setCurrentIndex(index)
        else:
            self.lineEdit().setText(self.itemText(self.currentIndex()))


class _CentreLabel(QLabel):
    """The Pan label: a double-click centres the pan (as its tooltip says)."""

    def __init__(self, text: str, slider: QSlider):
        super().__init__(text)
        self.slider = slider
        self.setToolTip("Pan (double-click to centre)")

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        self.slider.setValue(64)


class VoicingPanel(QWidget):
    current_voice_changed = Signal(int)
    write_voices_changed = Signal(list)  # the voices ticked "Write" (for Continue and Fill)

    def __init__(self, document: ScoreDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.rows: list[dict] = []
        self.current_voice = 0
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(6)
        self._group = QButtonGroup(self)
        self._group.idClicked.connect(self._pick_voice)
        self.kits: dict[int, str] | None = None  # the soundfont's drum kits, once the sound is up
        add = QPushButton("+ Add voice")
        add.clicked.connect(self.add_voice)
        self.add_button = add
        layout = QVBoxLayout(self)
        layout.addLayout(self._grid)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        document.score_settings_changed.connect(self._settings_changed)
        self.rebuild()

    def _settings_changed(self, name: str) -> None:
        if name == "voices":
            if len(self.rows) != len(self.document.voices):
                self.rebuild()
            else:
                self._refresh()

    def rebuild(self) -> None:
        # The old rows' radio buttons leave the group now (they are deleted later): while they
        # stayed, _pick_voice checked the old button of that id and no Draw button showed checked.
        for button in self._group.buttons():
            self._group.removeButton(button)
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget():
                item.widget().hide()  # (drawn over the new rows until deleted, else)
                item.widget().deleteLater()
        self.rows = []
        ticked = set(self.write_voices()) if self.rows else set()
        # Two lines a voice: what it is (draw, name, instrument), then how it sounds and whether
        # the co-writer writes it. In one row of eight columns Pan, M, S and Write lay behind a
        # horizontal scroll bar at the dock's default width (QA), Write deciding what Continue writes.
        for column, title in enumerate(("Draw", "Voice", "Instrument")):
            self._grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for index, voice in enumerate(self.document.voices):
            pick = QRadioButton()
            pick.setToolTip("Draw new notes in this voice")
            self._group.addButton(pick, index)
            name = VoiceName(index, voice.name)
            name.edit.editingFinished.connect(lambda v=index, box=name: self._rename(v, box.text()))
            program = InstrumentBox()
            program.fill(voice.is_drum, self.kits)
            volume = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=127)
            volume.setToolTip("Volume")
            pan = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=127)
            pan.setToolTip("Pan: left ← centre → right (double-click the label to centre)")
            mute, solo = QCheckBox("M"), QCheckBox("S")
            mute.setToolTip("Mute this voice")
            solo.setToolTip("Solo: hear only the soloed voices")
            write = QCheckBox("Write")
            write.setChecked(index in ticked)
            write.setToolTip("Continue and Fill write in the ticked voices only (none ticked: each voice "
                             "sounding at the end, or with notes in the selected bars)")
            write.toggled.connect(lambda _on: self.write_voices_changed.emit(self.write_voices()))
            row = {"pick": pick, "name": name, "program": program, "volume": volume, "pan": pan,
                   "mute": mute, "solo": solo, "write": write}
            sound = QWidget()  # the second line, under the name and instrument
            line = QHBoxLayout(sound)
            line.setContentsMargins(0, 0, 0, 6)
            line.setSpacing(4)
            for label, slider in ((QLabel("Vol"), volume), (_CentreLabel("Pan", pan), pan)):
                line.addWidget(label)
                slider.setMinimumWidth(40)
                line.addWidget(slider, 1)
            for box in (mute, solo, write):
                line.addWidget(box)
            self._grid.addWidget(pick, 2 * index + 1, 0)
            self._grid.addWidget(name, 2 * index + 1, 1)
            self._grid.addWidget(program, 2 * index + 1, 2)
            self._grid.addWidget(sound, 2 * index + 2, 1, 1, 2)
            program.currentIndexChanged.connect(lambda i, v=index, box=program: self._program_picked(v, box.itemData(i)))
            volume.valueChanged.connect(lambda value, v=index: self._edit(v, volume=value))
            pan.valueChanged.connect(lambda value, v=index: self._edit(v, pan=value))
            mute.toggled.connect(lambda on, v=index: self._edit(v, mute=on))
            solo.toggled.connect(lambda on, v=index: self._edit(v, solo=on))
            self.rows.append(row)
        self._refresh()
        self._pick_voice(min(self.current_voice, len(self.rows) - 1))

    def write_voices(self) -> list[int]:
        """Indices of the voices ticked "Write" (empty: the co-writer chooses)."""
        return [i for i, row in enumerate(self.rows) if row["write"].isChecked()]

    def _refresh(self) -> None:
        self._updating = True
        try:
            for row, voice in zip(self.rows, self.document.voices):
                row["name"].setText(voice.name)
                row["program"].fill(voice.is_drum)
                row["program"].set_program(voice.program)
                row["volume"].setValue(voice.volume)
                row["pan"].setValue(voice.pan)
                row["mute"].setChecked(voice.mute)
                row["solo"].setChecked(voice.solo)
        finally:
            self._updating = False

    def _edit(self, index: int, **changes) -> None:
        if getattr(self, "_updating", False) or index >= len(self.document.voices):
            return
        what = next(iter(changes))
        self.document.set_voice(index, f"Change {self.document.voices[index].name} {what}", **changes)

    def add_voice(self) -> None:
        """A new voice, ready to draw in: it becomes the draw voice (its radio button checked)."""
        self.document.ensure_voices(len(self.document.voices) + 1)
        self._pick_voice(len(self.document.voices) - 1)

    def set_kits(self, kits: dict[int, str]) -> None:
        """The drum kits the soundfont has (program -> name), offered for drum voices."""
        self.kits = dict(kits)
        for row in self.rows:
            if row["program"].drums:
                row["program"].fill(True, self.kits)
        self._refresh()

    def _rename(self, index: int, name: str) -> None:
        name = name.strip()
        if index < len(self.document.voices) and name and name != self.document.voices[index].name:
            self.document.set_voice(index, f"Rename voice to {name}", name=name)
        elif index < len(self.rows):
            self.rows[index]["name"].edit.setText(self.document.voices[index].name)

    def _program_picked(self, index: int, program: int | None) -> None:
        if program is not None:  # (None: a family heading)
            self._edit(index, program=program)

    def _pick_voice(self, index: int) -> None:
        self.current_voice = max(0, index)
        button = self._group.button(self.current_voice)
        if button is not None:
            button.setChecked(True)
        self.current_voice_changed.emit(self.current_voice)
