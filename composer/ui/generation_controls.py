"""The co-writer panel's musical controls besides Follow chords: notes per bar, lowest and highest
note, notes at once and rhythm grid (composer.music.region.Controls). Each has an Auto state,
meaning None (the model decides), and is remembered like the panel's other settings."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QWidget,
)

from composer.music.region import GRIDS
from composer.music.scales import note_name, pitch_class_of

AUTO = "auto"  # the saved value meaning "the model decides" (Controls: None), as for Follow chords
DENSITY_TIP = ("How busy the new music is: about this many new notes in each bar, in each voice "
               "(fewer = sparser, more = busier; below 1 leaves some bars empty). "
               "Auto: the co-writer decides.")
RANGE_TIP = ("The lowest and highest new note: no new note goes outside them (middle C is C4, MIDI 60). "
             "Type a name like G2, Bb3 or F#5, or a MIDI number. Moving one end past the other moves "
             "both. For a ceiling only, set the lowest to C-1; for a floor only, the highest to G9. "
             "Drum parts are not affected. Auto: no limit.")
POLYPHONY_TIP = ("The most new notes one voice plays at the same time: 1 = one line, a note at a "
                 "time (no chords); 3 = up to three-note chords. Auto: the co-writer decides.")
GRID_TIP = ("Where new notes may start. Straight: on sixteenth notes. Triplets: on eighth- or "
            "sixteenth-note triplets. Swing: swung eighths. Auto: the co-writer decides (drums keep "
            "the feel they were played with, and new notes in a part you played are played a little "
            "off the grid as yours are).")
GRID_NAMES = {"straight": "Straight", "triplet": "Triplets", "swing": "Swing"}


def parse_pitch(text: str) -> int:
    """'C4' (middle C, 60), 'Bb3', 'F#6', '60' or the box's own 'C4 (60)' -> MIDI pitch 0-127.
    Raises ValueError for anything else."""
    text = text.split("(")[0].strip()
    if text.lstrip("-").isdigit():
        pitch = int(text)
    else:
        digits = len(text.rstrip("-0123456789"))
        name, octave = text[:digits], text[digits:]
        if not name or not octave.lstrip("-").isdigit():
            raise ValueError(f"{text!r} is not a pitch (expected e.g. C4 or 60)")
        pitch = pitch_class_of(name) + 12 * (int(octave) + 1)
        if name[0].upper() == "B" and name.endswith("#") or name[0].upper() == "C" and name.endswith(("b", "-")):
            pitch += 12 if name.endswith("#") else -12  # B#3 is C4; Cb4 is B3: the octave belongs to the letter
    if not 0 <= pitch <= 127:
        raise ValueError(f"{text!r} is outside the MIDI range (C-1 to G9, 0-127)")
    return pitch


class PitchSpinBox(QSpinBox):
    """A MIDI pitch shown as its name with the number, 'C4 (60)'; a name or a number can be typed.
    The value changes when Enter is pressed or the box is left (typing 7 on the way to 72 would
    otherwise move the other end of the range)."""

    def __init__(self, value: int, parent: QWidget | None = None):
        super().__init__(parent, minimum=0, maximum=127, value=value)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: int) -> str:
        return f"{note_name(value)} ({value})"

    def valueFromText(self, text: str) -> int:
        try:
            return parse_pitch(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> QValidator.State:
        try:
            parse_pitch(text)
            return QValidator.State.Acceptable
        except ValueError:
            # on the way to a name or number: a letter, an accidental, a minus sign, digits
            ok = all(c.isdigit() or c in "-#b ()" for c in text[1:]) and (
                not text or text[0].upper() in "ABCDEFG" or text[0].isdigit())
            return QValidator.State.Intermediate if ok else QValidator.State.Invalid


def _auto_row(form: QFormLayout, label: str, widgets: list[QWidget], tip: str) -> QCheckBox:
    """A form row '[x] Auto [widget]' as Follow chords has: the widgets are off while Auto is ticked."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    auto = QCheckBox("Auto", checked=True)
    row.addWidget(auto, 0)
    auto.setToolTip(tip)
    for widget in widgets:
        widget.setEnabled(False)
        widget.setToolTip(tip)
        row.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
        auto.toggled.connect(lambda on, widget=widget: widget.setEnabled(not on))
    holder = QWidget()
    holder.setLayout(row)
    form.addRow(label, holder)
    form.labelForField(holder).setToolTip(tip)
    return auto


class GenerationControls:
    """The widgets, added as rows of the panel's form. values() gives Controls' fields (Auto ->
    None); the lowest note is never above the highest (moving one past the other moves both)."""

    def __init__(self, form: QFormLayout):
        self.density = QDoubleSpinBox(decimals=1, minimum=0.5, maximum=32.0, singleStep=0.5, value=4.0)
        self.density_auto = _auto_row(form, "Notes per bar", [self.density], DENSITY_TIP)
        # one row for both ends (the panel fits the dock at the default window size without scrolling)
        self.lowest = PitchSpinBox(48)  # C3
        self.highest = PitchSpinBox(84)  # C6
        self.range_auto = _auto_row(form, "Note range", [self.lowest, QLabel("to"), self.highest], RANGE_TIP)
        self.polyphony = QSpinBox(minimum=1, maximum=16, value=1)
        self.polyphony.setSpecialValueText("1 (one line)")  # shown at the minimum
        self.polyphony_auto = _auto_row(form, "Notes at once", [self.polyphony], POLYPHONY_TIP)
        self.grid = QComboBox()
        self.grid.addItem("Auto", None)
        for name in GRIDS:
            self.grid.addItem(GRID_NAMES.get(name, name.title()), name)
        self.grid.setToolTip(GRID_TIP)
        form.addRow("Rhythm", self.grid)
        form.labelForField(self.grid).setToolTip(GRID_TIP)
        self.lowest.valueChanged.connect(lambda low: self.highest.setValue(max(low, self.highest.value())))
        self.highest.valueChanged.connect(lambda high: self.lowest.setValue(min(high, self.lowest.value())))

    def _pairs(self):
        return ((self.density_auto, self.density, "density", float),
                (self.range_auto, self.lowest, "lowest", int),
                (self.range_auto, self.highest, "highest", int),
                (self.polyphony_auto, self.polyphony, "max_polyphony", int))

    def values(self) -> dict:
        """Controls' density, lowest, highest, max_polyphony and grid; None where Auto."""
        values = {name: None if auto.isChecked() else kind(box.value()) for auto, box, name, kind in self._pairs()}
        values["grid"] = self.grid.currentData()
        return values

    def settings(self) -> dict:
        """As saved (QSettings, project file): 'auto' or the value."""
        return {name: AUTO if value is None else value for name, value in self.values().items()}

    def apply_settings(self, values: dict) -> None:
        """Restore saved values; a missing or odd one (out of range, not a number: QSettings gives
        text back) leaves that control as it is."""
        for auto, box, name, kind in self._pairs():
            saved = values.get(name)
            if saved == AUTO:
                auto.setChecked(True)
                continue
            try:
                number = float(saved)
            except (TypeError, ValueError):
                continue
            if box.minimum() <= number <= box.maximum() and (kind is float or number == int(number)):
                box.setValue(kind(number))
                auto.setChecked(False)
        grid = values.get("grid")
        index = 0 if grid == AUTO else self.grid.findData(grid) if grid in GRIDS else -1
        if index >= 0:
            self.grid.setCurrentIndex(index)
