"""The co-writer panel: generation settings, Continue/Cancel with progress, and the variations.

The seed is the selection, or (when nothing is selected, or "before the playhead" is chosen)
every note starting before the playhead."""

from __future__ import annotations

import random
from typing import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy,
    QSpinBox, QStackedWidget, QVBoxLayout, QWidget,
)

from composer.ui.style_box import fill_style_box, select_style, styles_listed
from composer.music.region import Controls
from composer.music.scales import PITCH_CLASS_NAMES, SCALES, Key
from composer.music.score import Note, Score
from composer.music.limits import MAX_CONTINUE_BARS, MAX_NEW_NOTES
from composer.request import (DEFAULT_CONTINUE_BARS, key_of_section, meters_of, same_variations,
                              same_variations_text)
from composer.ui.cowriter import CoWriter, Variation
from composer.ui.document import ScoreDocument
from composer.ui.generation_progress import ProgressShape, progress_text
from composer.ui.generation_controls import GenerationControls
from composer.ui.key_names import key_text, scale_text
from composer.ui.status_bar import duration_text
from composer.ui.variations_view import VariationsView, preview_notes

KEY_OFF, KEY_DETECT, KEY_CHOOSE = "off", "detect", "choose"
STALE_TEXT = ("The score changed after these variations were written, so accepting one could bring back "
              "notes you edited. Regenerate writes new ones from the score as it is now.")
SEED_SELECTION, SEED_BEFORE_PLAYHEAD = "selection", "before_playhead"
CHORDS_AUTO = "auto"  # the saved "Follow chords" value meaning the style's own habit (Controls: None)
LENGTH_BARS, LENGTH_NOTES = "bars", "notes"  # the Length units (saved as "length_unit")
LENGTH_TIP = ("Bars: whole bars after the seed, every voice written to the bar line, as "
              "composer continue --bars. Notes: the most new notes of the first voice written (it may stop "
              "mid-bar); the other voices fill the bars it spans, as --length.")
CHORDS_TIP = ("How strongly the melody lands on chord tones on strong beats when the score has chords "
              "(chord lane). Auto: as closely as people of the style follow chords; Off: only the "
              "model's own habit; up to 10: almost always a chord tone.")


class CoWriterPanel(QWidget):
    preview_changed = Signal(list)  # notes to show as ghosts in the roll
    replaced_changed = Signal(list)  # notes Accept would replace (a fill's old notes), dimmed in the roll
    reveal_requested = Signal(list, list)  # new notes arrived (new, the music around them): bring them into view
    audition_requested = Signal(object, int)  # Score, start tick
    message = Signal(str)  # for the status bar / a message box

    def __init__(self, cowriter: CoWriter, document: ScoreDocument, playhead: Callable[[], int],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.cowriter = cowriter
        self.document = document
        self.playhead = playhead
        self.voice: int | None = None  # the voice the continuation is written in (None = the model's choice)
        # The voices ticked to write in (Voicing panel); empty = each voice sounding at the end.
        self.voices: Callable[[], list[int]] = list
        self.last_error = ""
        self.request_notice = ""  # what the running request changes from what was asked, said with its result
        self.request_scope = ""  # the bars the running request covers ('bars 5–6'; '' for all), said with its result
        # Redoes the last request (Regenerate): its kind, seed, bars and voices, with the panel's
        # settings as they are then, on the score as it is then. Continue sets it; Fill and Add
        # part set their own.
        self.last_request: Callable[[], None] = self.continue_seed
        self._accepted: Variation | None = None  # the variation last accepted from the list shown
        form = QFormLayout()
        self.style_box = QComboBox()
        self.style_box.addItem("(model loading…)", None)
        self.style_box.setToolTip("The style the continuation should follow")
        form.addRow("Style", self.style_box)
        self.temperature = QDoubleSpinBox(decimals=2, minimum=0.1, maximum=2.0, singleStep=0.05, value=1.0)
        self.temperature.setToolTip("Lower = safer, more repetitive; higher = more adventurous")
        form.addRow("Temperature", self.temperature)
        self.top_p = QDoubleSpinBox(decimals=2, minimum=0.5, maximum=1.0, singleStep=0.01, value=0.95)
        self.top_p.setToolTip("Nucleus sampling: only the most likely choices covering this share are used")
        form.addRow("Top-p", self.top_p)
        # Length in bars (the default, as `composer continue`) or notes: counted in notes alone, a
        # continuation stopped mid-phrase, on E5 on beat 1 of bar 10 (QA). Each unit keeps its own
        # value, the most one request writes on the command line (256 had cut a typed 2000 to 200; QA).
        self.length_bars = QSpinBox(minimum=1, maximum=MAX_CONTINUE_BARS, value=DEFAULT_CONTINUE_BARS)
        # (notes as --length: the first voice's; "200 notes" wrote ~700 over 60 bars of four parts, unsaid; QA qa16)
        self.length = QSpinBox(minimum=4, maximum=MAX_NEW_NOTES, value=32)
        self.length_unit = QComboBox()
        self.length_unit.addItem("bars", LENGTH_BARS)
        self.length_unit.addItem("notes", LENGTH_NOTES)
        self.length_value = QStackedWidget()  # the unit's own spin box
        self.length_value.addWidget(self.length_bars)
        self.length_value.addWidget(self.length)
        length_row = QHBoxLayout()
        length_row.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.length_value, 1), (self.length_unit, 0)):
            widget.setToolTip(LENGTH_TIP)
            length_row.addWidget(widget, stretch)
        self.length_unit.currentIndexChanged.connect(
            lambda: self.length_value.setCurrentWidget(self.length_bars if self.length_in_bars() else self.length))
        length_widget = QWidget()
        length_widget.setLayout(length_row)
        form.addRow("Length", length_widget)
        self.variation_count = QSpinBox(minimum=1, maximum=8, value=3)
        form.addRow("Variations", self.variation_count)
        self.key_mode = QComboBox()
        self.key_mode.addItem("Off (any pitch)", KEY_OFF)
        self.key_mode.addItem("Detect from seed", KEY_DETECT)
        self.key_mode.addItem("Choose…", KEY_CHOOSE)
        self.key_mode.setCurrentIndex(self.key_mode.findData(KEY_DETECT))  # off drifted out of key
        self.key_mode.setToolTip("Keep the continuation's pitches inside a key")
        form.addRow("Key lock", self.key_mode)
        key_row = QHBoxLayout()
        self.tonic = QComboBox()
        self.tonic.addItems(list(PITCH_CLASS_NAMES))
        self.scale = QComboBox()  # shown as a musician writes them, the identifier as the item's data
        for scale in SCALES:
            if scale != "chromatic":
                self.scale.addItem(scale_text(scale), scale)
        key_row.addWidget(self.tonic)
        key_row.addWidget(self.scale)
        self.key_row = QWidget()
        self.key_row.setLayout(key_row)
        key_row.setContentsMargins(0, 0, 0, 0)
        self.detected_key = QLabel("")
        self.detected_key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # no reflow
        # One row that always takes the same height, whatever the key mode shows, so choosing a
        # mode or a new detection never moves the Continue button under the pointer.
        self.key_detail = QStackedWidget()
        self.key_detail.addWidget(QWidget())  # off: nothing to show
        self.key_detail.addWidget(self.key_row)
        self.key_detail.addWidget(self.detected_key)
        self.key_detail.setFixedHeight(max(self.key_row.sizeHint().height(), self.detected_key.sizeHint().height()))
        form.addRow("", self.key_detail)
        chords_row = QHBoxLayout()
        chords_row.setContentsMargins(0, 0, 0, 0)
        self.chords_auto = QCheckBox("Auto", checked=True)
        self.chord_strength = QDoubleSpinBox(decimals=1, minimum=0.0, maximum=10.0, singleStep=0.5, value=2.0)
        self.chord_strength.setSpecialValueText("Off")  # shown at the minimum, 0
        self.chord_strength.setEnabled(False)  # Auto decides until it is unticked
        for widget, stretch in ((self.chords_auto, 0), (self.chord_strength, 1)):
            widget.setToolTip(CHORDS_TIP)
            chords_row.addWidget(widget, stretch)
        self.chords_auto.toggled.connect(lambda auto: self.chord_strength.setEnabled(not auto))
        chords_widget = QWidget()
        chords_widget.setLayout(chords_row)
        form.addRow("Follow chords", chords_widget)
        # notes per bar, lowest/highest note, notes at once, rhythm: each Auto (None) or a value
        self.control_rows = GenerationControls(form)
        self.seed_range = QComboBox()
        self.seed_range.addItem("Selection (all before playhead if none)", SEED_SELECTION)
        self.seed_range.addItem("Everything before the playhead", SEED_BEFORE_PLAYHEAD)
        form.addRow("Seed", self.seed_range)

        self.continue_button = QPushButton("Continue ▶▶")
        self.continue_button.setToolTip("Let the co-writer continue the seed (Ctrl+Enter)")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self._progress_shape: ProgressShape | None = None  # what the running generation counts
        buttons = QHBoxLayout()
        buttons.addWidget(self.continue_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        self.variations = VariationsView()
        # Two lines at most: the panel must fit its dock at the default window size.
        legend = QLabel("Seed notes are solid, co-writer notes striped. The variation shows as dashed "
                        "outlines in each part's colour; notes it replaces fade.")
        legend.setToolTip("Seed notes are solid; co-writer notes are striped with a dashed edge. The selected "
                          "variation shows as dashed outlines in each part's colour; the notes a fill would "
                          "replace are faded and cross-hatched until you accept it.")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: gray; font-size: 9pt")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.variations, 1)
        layout.addWidget(legend)

        self.key_mode.currentIndexChanged.connect(self._key_mode_changed)
        self.continue_button.clicked.connect(self.continue_seed)
        self.cancel_button.clicked.connect(cowriter.cancel)
        cowriter.model_state_changed.connect(self._model_state)
        self.style_box.activated.connect(lambda _index: self.cowriter.use_style(self.style_box.currentData()))
        cowriter.busy_changed.connect(self._busy)
        cowriter.progressed.connect(self._progress)
        cowriter.variations_ready.connect(self._variations_ready)
        cowriter.failed.connect(self._failed)
        cowriter.cancelled.connect(self._cancelled)
        self.variations.selected.connect(self._variation_selected)
        self.variations.accept_requested.connect(self.accept)
        self.variations.audition_requested.connect(self._audition)
        self.variations.regenerate_requested.connect(self.regenerate)
        self.variations.continue_from_requested.connect(self.continue_from)
        document.notes_changed.connect(self._notes_changed)
        # The detected key follows the seed (a file opened, notes edited, a selection made), once
        # per burst of changes: a drag moves notes many times a second.
        self._detect_timer = QTimer(self, singleShot=True, interval=150)
        self._detect_timer.timeout.connect(self._update_detected)
        document.notes_changed.connect(self._detect_timer.start)
        document.selection_changed.connect(self._detect_timer.start)
        self._key_mode_changed()
        self._busy(False)
        self._model_state(cowriter.state, cowriter.message)

    # --- settings ----------------------------------------------------------------------------
    def settings(self) -> dict:
        """The panel's values, as saved in the project file and QSettings."""
        return {
            "style": self.style_box.currentData() or "", "temperature": self.temperature.value(),
            "top_p": self.top_p.value(), "length": self.length.value(),  # (notes, as before the unit)
            "length_bars": self.length_bars.value(), "length_unit": self.length_unit.currentData(),
            "variations": self.variation_count.value(), "key_mode": self.key_mode.currentData(),
            "key": str(self.chosen_key()),
            "seed_range": self.seed_range.currentData(),
            "chord_strength": CHORDS_AUTO if self.chords_auto.isChecked() else self.chord_strength.value(),
            **self.control_rows.settings(),
        }

    def apply_settings(self, values: dict) -> None:
        """Restore saved values; anything missing or odd keeps the current value."""
        def number(name, kind):
            try:
                return kind(values[name])
            except (KeyError, TypeError, ValueError):
                return None
        for widget, name, kind in ((self.temperature, "temperature", float), (self.top_p, "top_p", float),
                                   (self.length, "length", int), (self.length_bars, "length_bars", int),
                                   (self.variation_count, "variations", int)):
            value = number(name, kind)
            if value is not None:
                widget.setValue(value)
        # Settings saved before Length had a unit hold a length in notes alone: it stays notes.
        unit = values.get("length_unit") or (LENGTH_NOTES if number("length", int) is not None else None)
        if self.length_unit.findData(unit) >= 0:
            self.length_unit.setCurrentIndex(self.length_unit.findData(unit))
        for box, name in ((self.key_mode, "key_mode"), (self.seed_range, "seed_range")):
            index = box.findData(values.get(name))
            if index >= 0:
                box.setCurrentIndex(index)
        chords = values.get("chord_strength")
        if chords == CHORDS_AUTO:
            self.chords_auto.setChecked(True)
        else:
            strength = number("chord_strength", float)  # QSettings may give it back as text
            if strength is not None and 0 <= strength <= 10:
                self.chord_strength.setValue(strength)
                self.chords_auto.setChecked(False)
        self.control_rows.apply_settings(values)
        try:
            key = Key.parse(str(values.get("key", "")))
            self.choose_key(key)
        except ValueError:
            pass
        self._wanted_style = values.get("style") or None
        if styles_listed(self.style_box):  # else _model_state selects it once the model's styles are known
            self._select_style(self._wanted_style)

    def length_in_bars(self) -> bool:
        return self.length_unit.currentData() == LENGTH_BARS

    def set_length(self, value: int, unit: str) -> None:
        """Length: `value` bars (LENGTH_BARS) or notes (LENGTH_NOTES), that unit chosen."""
        (self.length_bars if unit == LENGTH_BARS else self.length).setValue(value)
        self.length_unit.setCurrentIndex(self.length_unit.findData(unit))

    def length_options(self) -> dict:
        """Length as continue_request takes it: {"bars": n} (whole bars, to the bar line) or
        {"length": n} (notes)."""
        if self.length_in_bars():
            return {"bars": self.length_bars.value(), "length": None}
        return {"length": self.length.value(), "bars": None}

    def chosen_key(self) -> Key:
        """The key set under Key lock ▸ Choose… (whether or not Choose… is the mode)."""
        return Key(self.tonic.currentIndex(), self.scale.currentData())

    def choose_key(self, key: Key) -> None:
        """Set the tonic and scale shown under Choose… (the mode unchanged)."""
        self.tonic.setCurrentIndex(key.tonic)
        index = self.scale.findData(key.scale)
        if index >= 0:
            self.scale.setCurrentIndex(index)

    def key_lock_for_piece(self, saved: dict) -> str:
        """A piece was opened or started, with its saved panel settings (a project's; none for an
        imported file or a new piece). A key lock chosen by hand belongs to the piece it was
        chosen for: without one of the new piece's own it goes back to Detect (an Eb-major lock
        continued the G-major waltz opened next in Eb, unsaid; QA). Returns what to tell the
        person ('' when nothing changed)."""
        mode = self.key_mode.currentData()
        if self.key_mode.findData(saved.get("key_mode")) >= 0 or mode == KEY_DETECT:
            return ""
        was = key_text(self.chosen_key()) if mode == KEY_CHOOSE else "Off"
        self.key_mode.setCurrentIndex(self.key_mode.findData(KEY_DETECT))
        return f"Key lock back to Detect for the new piece (it was {was})"

    def _select_style(self, wanted: str | None) -> None:
        notice = select_style(self.style_box, wanted)  # an unknown or old style falls back to neutral
        # A style of the user's whose file is damaged: the co-writer reports the file instead.
        damaged = wanted and any(path.stem == wanted for path in self.cowriter.unusable_styles)
        if notice and not damaged:
            self.message.emit(notice)

    def _key_mode_changed(self) -> None:
        mode = self.key_mode.currentData()
        self.key_detail.setCurrentWidget(self.key_row if mode == KEY_CHOOSE else
                                         self.detected_key if mode == KEY_DETECT else self.key_detail.widget(0))
        self._update_detected()

    def _update_detected(self) -> None:
        if self.key_mode.currentData() == KEY_DETECT:
            seed = sorted(self.seed_notes(), key=lambda n: (n.onset, n.pitch))
            key = self.seed_key(seed)
            if seed:  # the key Continue locks to: where it moves the seed, detected there (CoWriter)
                options = {**self._voice_options(), "key": key, "key_detected": True}
                request = self.cowriter.continue_request_for(self.document.score().copy(notes=seed), options)
                if not isinstance(request, str) and request.key == "auto":
                    key = request.resolved_key()
            self.detected_key.setText(f"Detected: {key_text(key)}" if key else "Detected: (no seed notes)")

    # --- the seed and options ----------------------------------------------------------------
    def seed_notes(self) -> list[Note]:
        doc = self.document
        if self.seed_range.currentData() == SEED_SELECTION and doc.selection:
            return list(doc.selected_notes().values())
        playhead = self.playhead()
        notes = doc.store.notes()
        before = [n for n in notes if n.onset < playhead]
        return before if before or playhead > 0 else notes  # playhead at 0: the whole score

    def seed_key(self, seed: list[Note]) -> Key | None:
        """The key "Detect from seed" locks a continuation of `seed` to, as the request's auto key
        (composer.request.key_of_section): drums left out (their keys are not pitches), and where
        the score changes key, the key of the section the seed ends in. Counting the drums and the
        whole piece's key, a tune modulating from G to Eb major was continued in G minor."""
        score = self.document.score()
        drums = {i for i, v in enumerate(score.voices) if v.is_drum}
        pitched = [n for n in seed if n.voice not in drums]
        # the section of the seed's last note: a seed that ends on a key change was written in the old key
        return key_of_section(score.keys, pitched, max((n.onset for n in seed), default=0), None,
                              meters_of(score))

    def controls(self) -> Controls:
        """The musical controls the panel sets (composer.music.region.Controls); Follow chords on
        Auto gives chord_strength None (the style's default), Off gives 0; the other rows on Auto
        give None (the model decides)."""
        return Controls(**self.control_rows.values(),
                        chord_strength=None if self.chords_auto.isChecked() else self.chord_strength.value())

    def options(self, seed: list[Note]) -> dict:
        mode = self.key_mode.currentData()
        key = None
        if mode == KEY_DETECT:
            key = self.seed_key(seed)
        elif mode == KEY_CHOOSE:
            key = self.chosen_key()
        return {**self.length_options(), "variations": self.variation_count.value(),
                "style": self.style_box.currentData(), "temperature": self.temperature.value(),
                "top_p": self.top_p.value(), "key": key, "key_detected": mode == KEY_DETECT,
                "seed": random.randrange(2**31), "controls": self.controls(), **self._voice_options()}

    def _voice_options(self) -> dict:
        return {**({"voice": self.voice} if self.voice is not None else {}),
                **({"voices": tuple(self.voices())} if self.voices() else {})}

    def _start(self, seed: Score, options: dict, base: list[Note] | tuple = ()) -> None:
        self.request_scope = ""
        reason = self.cowriter.generate(seed, options, base=base)
        if reason:
            self._error(reason)

    def continue_seed(self) -> None:
        notes = sorted(self.seed_notes(), key=lambda n: (n.onset, n.pitch))
        self._update_detected()
        self.last_request = lambda: self._continue_again(notes)
        self._start(self.document.score().copy(notes=notes), self.options(notes))

    def _continue_again(self, seed: list[Note]) -> None:
        """Continue the same seed again; once one of its notes was edited or deleted, the seed as
        it is now (the selection, or the notes before the playhead)."""
        if not seed or not set(seed) <= set(self.document.store.notes()):
            self.continue_seed()
            return
        self._update_detected()
        self._start(self.document.score().copy(notes=seed), self.options(seed))

    def regenerate(self) -> None:
        """New variations: the last request again (Continue, Continue from this, Fill or Add part,
        with its seed, bars and voices) with the panel's settings as they are now and a new random
        seed, from the score as it is now. Replaying the old request kept a key lock the person had
        since set back to Detect: a G-major waltz was regenerated in Eb major, unsaid (QA)."""
        self.last_request()

    def continue_from(self, variation: Variation) -> None:
        if variation.is_stale(self.document.store.notes()):
            self.message.emit(STALE_TEXT)
            return
        # Regenerate continues the same variation again (its notes go into the score with Accept,
        # as they do now); once it is out of date, the score as it is now.
        self.last_request = lambda: (self._start(variation.score, self.options(variation.score.notes),
                                                 base=variation.added)
                                     if not variation.is_stale(self.document.store.notes()) else self.continue_seed())
        self.last_request()

    def accept(self, variation: Variation | None = None) -> int:
        """Put the variation's new notes into the score (one undo step); every outcome is said."""
        variation = variation or self.variations.current()
        if variation is None:
            return 0
        existing = self.document.store.notes()
        if variation.is_in(existing):
            self.message.emit(f"Variation {variation.number} is already in the score (Ctrl+Z takes it out)")
            return 0
        taken = self.variations.accepted
        if taken is not None:  # (Ctrl+Shift+Enter on a variation set aside: the button is off)
            self.message.emit(f"Variation {taken.number} is in the score and variation {variation.number} was "
                              f"written for the score before it (Ctrl+Z takes variation {taken.number} out)")
            return 0
        if variation.is_stale(existing):
            self.message.emit(STALE_TEXT)
            return 0
        added = self.cowriter.accept(variation)
        if added:
            self._accepted = variation
            self._notes_changed()  # the list says it is in (the edit's notes_changed came before this was set)
            self.message.emit(f"Accepted variation {variation.number}: {added} new note{'s' * (added != 1)} "
                              "added (Ctrl+Z undoes it)")
        else:
            self.message.emit(f"Variation {variation.number} has no new notes to add")
        self._refresh_ghosts()
        return added

    def variations_stale(self) -> bool:
        """The shown variations were written against a score that has changed since."""
        current = self.variations.variations
        return bool(current) and current[0].is_stale(self.document.store.notes())

    def _notes_changed(self) -> None:
        # Accepted while it is in the score: Ctrl+Z puts the list back as it was, current again
        # (the score it was written against), and Ctrl+Shift+Z marks it accepted again.
        taken = self._accepted
        shown = taken is not None and any(v is taken for v in self.variations.variations)
        self.variations.set_accepted(taken if shown and taken.is_in(self.document.store.notes()) else None)
        self.variations.set_stale(self.variations_stale())
        self._refresh_ghosts()

    # --- feedback ----------------------------------------------------------------------------
    def _model_state(self, state: str, message: str) -> None:
        if state == "ready":
            current = self.style_box.currentData() or getattr(self, "_wanted_style", None)
            # readable names, grouped; styles learned from the user's folder (composer adapt) marked
            fill_style_box(self.style_box, self.cowriter.styles, set(self.cowriter.user_styles))
            self._select_style(current)
            self.cowriter.use_style(self.style_box.currentData())  # a remembered style of the user's
        elif state == "error":
            self.style_box.clear()
            self.style_box.addItem("(no model)", None)
        self.continue_button.setEnabled(state == "ready" and not self.cowriter.busy)
        self.continue_button.setToolTip(message if state != "ready" else "Let the co-writer continue the seed")

    def _busy(self, busy: bool) -> None:
        self.continue_button.setEnabled(not busy and self.cowriter.state == "ready")
        self.cancel_button.setEnabled(busy)
        self.variations.regenerate_button.setEnabled(not busy and bool(self.variations.variations))
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # busy indicator until the first progress report
            self.progress.setFormat("")
            request = self.cowriter.last_request
            try:
                self._progress_shape = ProgressShape.of(request) if request is not None else None
            except Exception:  # noqa: BLE001 - an odd request still gets a bar, in per cent
                self._progress_shape = None

    def _progress(self, done: int, total: int) -> None:
        """A report from the generation: the bar says it in the units counted (generation_progress:
        'part 2 of 3' for voices x variations, where it read '8 / 24 notes')."""
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(progress_text(self._progress_shape, done, total))  # no %v/%m/%p in it

    def _variations_ready(self, variations: list) -> None:
        self._accepted = None
        self.variations.set_variations(variations, self.document.store.notes())
        self.variations.set_stale(self.variations_stale())
        seconds = variations[0].options.get("seconds", 0) if variations else 0
        count = f"{len(variations)} variation{'s' * (len(variations) != 1)}"
        scope, self.request_scope = self.request_scope, ""
        count += f" of {scope}" if scope else ""
        same = same_variations_text(same_variations([v.score for v in variations]),
                                    variations[0].options.get("temperature") if variations else None)
        notice, self.request_notice = self.request_notice, ""
        written = variations[0].options.get("notice", "") if variations else ""  # the model process's
        notice = ". ".join(text for text in (notice, written) if text)
        notice = f". {notice}" if notice else ""
        if same:  # said, not hidden: the list would show four entries of one result
            self.message.emit(f"{count} written in {duration_text(seconds)}; {same[0].upper()}{same[1:]} "
                              f"(Temperature, Top-p in the panel){notice}")
        else:
            self.message.emit(f"{count} written in {duration_text(seconds)}: audition, then accept one{notice}")

    def _failed(self, message: str) -> None:
        self.request_notice = ""
        self._error(message)

    def _cancelled(self) -> None:
        self.request_notice = ""
        self.message.emit("Generation cancelled")

    def _error(self, message: str) -> None:
        self.last_error = message
        self.message.emit(message)

    def _variation_selected(self, variation: Variation | None) -> None:
        self._notes_changed()  # out of date or not: said for the variation now selected
        if variation is not None:
            context, new = preview_notes(variation)  # what the mini preview shows it with
            self.reveal_requested.emit(new, context)

    def _refresh_ghosts(self) -> None:
        # Once one is accepted none is previewed: the others drawn over it would read as pending.
        variation = self.variations.current() if self.variations.accepted is None else None
        notes = self.document.store.notes()
        new = variation.new_notes(notes) if variation else []
        self.preview_changed.emit(new)
        # Only while Accept would really take them out: not once accepted, nor when out of date.
        self.replaced_changed.emit(list(variation.removed) if new and not variation.is_stale(notes) else [])

    def _audition(self, variation: Variation) -> None:
        self.audition_requested.emit(variation.score, audition_start(variation))


def audition_start(variation: Variation) -> int:
    """The tick Audition plays a variation from: the bar line a bar before its first new note (the
    score's meter map), so the new notes are heard coming out of the music before them. From the
    start of its seed (the whole piece, for a fill or a continuation of everything) a musician
    waited 24 s for a continuation of a 12-bar song, minutes for a fill late in a piece (QA)."""
    new = variation.added or variation.score.notes
    first = min((n.onset for n in new), default=0)
    lines = [t for t in variation.score.meter_map().bar_starts(first + 1) if t <= first]
    return max(0, lines[-2] if len(lines) >= 2 else 0)
