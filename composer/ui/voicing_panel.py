"""Per-voice instrument (General MIDI), volume, pan, mute and solo; used by playback and export.
Each change is an undoable edit of the score's voices. The selected row is the voice new notes
are drawn in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QGridLayout, QLabel, QPushButton, QRadioButton, QButtonGroup, QSlider, QVBoxLayout,
    QWidget,
)

from composer.ui import palette
from composer.ui.document import ScoreDocument

try:
    from composer.music.instruments import GM_PROGRAM_NAMES
except ImportError:  # the instrument table is another part; numbers still work without it
    GM_PROGRAM_NAMES = tuple(f"Program {i + 1}" for i in range(128))


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
        add = QPushButton("+ Add voice")
        add.clicked.connect(lambda: document.ensure_voices(len(document.voices) + 1))
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
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.rows = []
        ticked = set(self.write_voices()) if self.rows else set()
        for column, title in enumerate(("Draw", "Voice", "Instrument", "Volume", "Pan", "M", "S", "Write")):
            self._grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for index, voice in enumerate(self.document.voices):
            pick = QRadioButton()
            pick.setToolTip("Draw new notes in this voice")
            self._group.addButton(pick, index)
            name = QLabel(voice.name)
            colour = palette.note_fill(index, 6, False, False).name()
            name.setStyleSheet(f"border-left: 8px solid {colour}; padding-left: 4px")
            program = QComboBox()
            for number, title in enumerate(GM_PROGRAM_NAMES):
                program.addItem(f"{number + 1} {title}", number)
            program.setMaxVisibleItems(20)
            volume = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=127)
            pan = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=127)
            pan.setToolTip("Pan: left ← centre → right (double-click the label to centre)")
            mute, solo = QCheckBox(), QCheckBox()
            write = QCheckBox()
            write.setChecked(index in ticked)
            write.setToolTip("Continue and Fill write in the ticked voices only (none ticked: each voice "
                             "sounding at the end, or with notes in the selected bars)")
            write.toggled.connect(lambda _on: self.write_voices_changed.emit(self.write_voices()))
            row = {"pick": pick, "name": name, "program": program, "volume": volume, "pan": pan,
                   "mute": mute, "solo": solo, "write": write}
            for column, key in enumerate(row):
                self._grid.addWidget(row[key], index + 1, column)
            program.currentIndexChanged.connect(lambda i, v=index, box=program: self._edit(v, program=box.itemData(i)))
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
                row["name"].setText(voice.name + (" (drums)" if voice.is_drum else ""))
                row["program"].setCurrentIndex(voice.program)
                row["program"].setEnabled(not voice.is_drum)
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

    def _pick_voice(self, index: int) -> None:
        self.current_voice = max(0, index)
        button = self._group.button(self.current_voice)
        if button is not None:
            button.setChecked(True)
        self.current_voice_changed.emit(self.current_voice)
