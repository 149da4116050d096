"""Preferences: soundfont, audio driver, MIDI input (a placeholder list until MIDI input lands),
model checkpoint and autosave interval. Changes apply when the dialog is accepted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton,
    QSpinBox, QWidget,
)

from composer.ui.settings import AUDIO_DRIVERS, AppSettings  # the one validated list



def midi_input_choices() -> list[str]:
    """Port names from composer.midi_in when it exists; until then only 'none'."""
    try:
        from composer.midi_in import list_input_ports  # type: ignore[attr-defined]

        return list(list_input_ports())
    except Exception:  # the MIDI-input part is not there yet, or no MIDI system
        return []


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Composer settings")
        self.settings = settings
        form = QFormLayout(self)
        self.soundfont = QLineEdit(settings.soundfont)
        self.soundfont.setPlaceholderText("automatic (system General MIDI soundfont)")
        form.addRow("Soundfont", self._with_browse(self.soundfont, "Soundfonts (*.sf2 *.sf3)"))
        self.driver = QComboBox()
        for name in AUDIO_DRIVERS:
            self.driver.addItem(name or "automatic", name)
        self.driver.setCurrentIndex(max(0, self.driver.findData(settings.audio_driver)))
        form.addRow("Audio driver", self.driver)
        self.midi_input = QComboBox()
        self.midi_input.addItem("none", "")
        for port in midi_input_choices():
            self.midi_input.addItem(port, port)
        if settings.midi_input and self.midi_input.findData(settings.midi_input) < 0:
            self.midi_input.addItem(f"{settings.midi_input} (not connected)", settings.midi_input)
        self.midi_input.setCurrentIndex(max(0, self.midi_input.findData(settings.midi_input)))
        form.addRow("MIDI input", self.midi_input)
        self.checkpoint = QLineEdit(settings.checkpoint)
        self.checkpoint.setPlaceholderText("the shipped default model (models/)")
        form.addRow("Model checkpoint", self._with_browse(self.checkpoint, "Checkpoints (*.safetensors)"))
        self.autosave = QSpinBox()
        self.autosave.setRange(5, 3600)
        self.autosave.setSuffix(" s")
        self.autosave.setValue(settings.autosave_seconds)
        form.addRow("Autosave every", self.autosave)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _with_browse(self, field: QLineEdit, filter_text: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(field, filter_text))
        row.addWidget(browse)
        return box

    def _browse(self, field: QLineEdit, filter_text: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a file", field.text(), filter_text)
        if path:
            field.setText(path)

    def apply(self) -> set[str]:
        """Store the values; return the names of settings that changed."""
        s, changed = self.settings, set()
        for name, value in (("soundfont", self.soundfont.text().strip()), ("audio_driver", self.driver.currentData()),
                            ("midi_input", self.midi_input.currentData()),
                            ("checkpoint", self.checkpoint.text().strip()),
                            ("autosave_seconds", self.autosave.value())):
            if getattr(s, name) != value:
                setattr(s, name, value)
                changed.add(name)
        s.sync()
        return changed
