"""Fill and Add part in the window: the selected bars (Ctrl-drag on the ruler) or selected notes,
and the voices ticked "Write" in the Voicing panel, become a composer.request.GenerationRequest
that the co-writer (its own process) answers with variations in the co-writer panel; accepting
one replaces the region's notes as one undo step (composer.ui.cowriter.CoWriter.accept)."""

from __future__ import annotations

import random

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMenu, QMessageBox, QPushButton, QToolButton

from composer.data.styles import display_name
from composer.request import (PART_WORDS, GenerationRequest, PartExists, add_part, bar_at, bar_number, fill_request,
                              finds_no_key, past_the_end, style_notice)

PART_LABELS = {"bass": "&Bass", "harmony": "&Harmony", "counter": "&Counter-melody", "drums": "&Drums"}
NO_SELECTION = ("Select the bars to fill first: Ctrl-drag on the ruler (or double-click a bar), or select "
                "notes; tick voices under Voicing → Write to choose which voices are rewritten.")


class RegionActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel = window.cowriter_panel
        self.document = window.document
        self.ruler = window.editor.ruler
        self.voicing = window.voicing_panel
        self.fill_action = QAction("&Fill Selected Bars", self)
        self.fill_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.fill_action.setToolTip("Rewrite the selected bars (or notes) with the music on both sides as "
                                    "context; variations to audition, accept as one undo step")
        self.fill_action.triggered.connect(self.fill)
        self.add_part_menu = QMenu("Add &Part")
        self.part_actions: dict[str, QAction] = {}
        for part, label in PART_LABELS.items():
            action = self.add_part_menu.addAction(label)
            action.triggered.connect(lambda _=False, p=part: self.add_part(p))
            self.part_actions[part] = action
        self._install_buttons()
        self.panel.voices = self.voicing.write_voices  # Continue writes in the ticked voices, if any
        # The latest selection says what Fill rewrites. Accepting a variation leaves its notes
        # selected, and bars then picked on the ruler were ignored (selected notes come first):
        # Fill rewrote the accepted notes' ten bars instead of the one bar just picked.
        self.ruler.bars_selected.connect(self._bars_picked)
        self.document.selection_changed.connect(self._notes_picked)
        # Bars picked in one piece mean nothing in the next: they stayed selected after File > Open,
        # and Add part then wrote only those bars of the new piece (Fill rewrote them).
        self.document.loaded.connect(lambda: self.ruler.select_bars(0, 0))
        self.part_question: QMessageBox | None = None  # open while asking about a second part of a kind

    def _bars_picked(self, start: int, end: int) -> None:
        if end > start and self.document.selection:
            self.document.set_selection(set())

    def _notes_picked(self) -> None:
        if self.document.selection and self.ruler.bar_selection is not None:
            self.ruler.select_bars(0, 0)

    def _install_buttons(self) -> None:
        """Fill and Add part beside Continue in the co-writer panel."""
        self.fill_button = QPushButton("Fill ▦")
        self.fill_button.setToolTip(self.fill_action.toolTip() + " (Ctrl+Shift+F)")
        self.fill_button.clicked.connect(self.fill)
        self.part_button = QToolButton()
        self.part_button.setText("Add part")  # the menu arrow is Qt's own
        self.part_button.setToolTip("Write a new bass, harmony, counter-melody or drum part against the others "
                                    "(over the selected bars, or the whole piece)")
        self.part_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.part_button.setMenu(self.add_part_menu)
        row = QHBoxLayout()
        row.addWidget(self.fill_button, 1)
        row.addWidget(self.part_button, 1)
        layout = self.panel.layout()
        index = next((i for i in range(layout.count()) if layout.itemAt(i).layout() is not None
                      and layout.itemAt(i).layout().indexOf(self.panel.continue_button) >= 0), 0)
        layout.insertLayout(index + 1, row)
        self.panel.cowriter.busy_changed.connect(self._update_enabled)
        self.panel.cowriter.model_state_changed.connect(lambda *_: self._update_enabled())
        self._update_enabled()

    def _update_enabled(self, *_args) -> None:
        ready = self.panel.cowriter.state == "ready" and not self.panel.cowriter.busy
        for widget in (self.fill_button, self.part_button):
            widget.setEnabled(ready)

    # --- what is selected --------------------------------------------------------------------
    def selected_span(self) -> tuple[int, int, tuple[int, ...] | None] | None:
        """(start, end, voices or None) of the selection: selected notes (their bars and voices)
        first, else the bars selected on the ruler (the voices ticked Write, or None)."""
        ticked = tuple(self.voicing.write_voices()) or None
        notes = list(self.document.selected_notes().values())
        score = self.document.score()
        if notes:
            start = bar_at(score, min(n.onset for n in notes))[0]
            end = bar_at(score, max(n.onset for n in notes))[1]
            return start, end, ticked or tuple(sorted({n.voice for n in notes}))
        if self.ruler.bar_selection is not None:
            return *self.ruler.bar_selection, ticked
        return None

    def _options(self) -> dict:
        panel = self.panel
        mode = panel.key_mode.currentData()
        key = {"off": None, "detect": "auto"}.get(mode, "auto")
        if mode == "choose":
            key = panel.chosen_key()
        return dict(style=panel.style_box.currentData(), key=key, temperature=panel.temperature.value(),
                    top_p=panel.top_p.value(), variations=panel.variation_count.value(),
                    seed=random.randrange(2**31), controls=panel.controls())

    # --- the actions -------------------------------------------------------------------------
    def fill(self) -> None:
        span = self.selected_span()
        if span is None:
            self.panel._error(NO_SELECTION)
            return
        self._fill(*span)

    def _fill(self, start: int, end: int, voices: tuple[int, ...] | None) -> None:
        """Fill ticks [start, end) in `voices`; Regenerate repeats it on the same bars and voices."""
        was_busy = self.panel.cowriter.busy
        self._run(lambda: fill_request(self.document.score(), start, end, voices, **self._options()),
                  lambda: self._fill(start, end, voices), (start, end))
        notice = past_the_end(self.document.score(), start, end)
        if notice and self.panel.cowriter.busy and not was_busy:  # started: said now, and with its variations
            notice = notice[0].upper() + notice[1:]
            self.panel.request_notice = notice
            self.panel.message.emit(notice)

    def add_part(self, part: str, anyway: bool = False, span: tuple | None = None) -> None:
        """Add part > `part` over `span` (ticks; the bars selected on the ruler, else the whole
        piece); a harmony, drum or bass part where the piece has one is asked about first
        (ask_about_part), unless `anyway`. Regenerate repeats it over the same bars."""
        span = span or self.ruler.bar_selection or (None, None)
        built = []
        was_busy = self.panel.cowriter.busy
        self._run(lambda: built.append(add_part(self.document.score(), part, *span, anyway=anyway,
                                                **self._options())) or built[-1],
                  lambda: self.add_part(part, anyway, span), span if span[0] is not None else None)
        # What the style makes of the part (the drums of Jazz standards play the Jazz groove's beat;
        # a groove style moves only the drums), as it starts and with its variations, as accompany says it
        notice = style_notice(built[-1], display_name) if built and self.panel.cowriter.busy and not was_busy \
            else None
        if notice:
            notice = notice[0].upper() + notice[1:]
            self.panel.request_notice = notice
            self.panel.message.emit(notice)

    def ask_about_part(self, exists: PartExists) -> None:
        """The piece already has a part of the kind asked (harmony, drums, bass): say which, and what
        a second one would play; Add Anyway writes it (complementing the one there), Choose Another
        Part opens the Add part menu, Cancel does nothing. Window-modal and opened, never exec'd:
        the GUI thread goes on."""
        if self.part_question is not None:
            self.part_question.close()
        part = exists.part
        title = PART_LABELS.get(part, part).replace("&", "")
        box = QMessageBox(QMessageBox.Icon.Question, f"Add Part: {title}", exists.question(),
                          QMessageBox.StandardButton.NoButton, self.window)
        anyway = box.addButton("Add Anyway", QMessageBox.ButtonRole.AcceptRole)
        other = box.addButton("Choose Another Part…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(other)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        plan = exists.complement

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            self.part_question = None
            if clicked is anyway:
                self.panel.message.emit(f"Adding a {PART_WORDS[part]} part that complements {plan.name}: "
                                        f"{plan.plan_text()}")
                self.add_part(part, anyway=True)
            elif clicked is other:
                button = self.part_button
                self.add_part_menu.popup(button.mapToGlobal(QPoint(0, button.height())))

        box.finished.connect(answered)
        self.part_question = box
        box.open()

    def bars_text(self, start: int, end: int) -> str:
        """'bars 5–6' (or 'bar 5') for ticks [start, end), numbered as the ruler numbers them."""
        score = self.document.score()
        first, last = bar_number(score, start), bar_number(score, max(start, end - 1))
        return f"bar {first}" if first == last else f"bars {first}–{last}"

    def _run(self, build, again, span: tuple[int, int] | None = None) -> None:
        """Build and start a request; `span`: the ticks it covers, named with its variations (a
        part over bars 5-6 only, said as "3 variations written", was taken for the whole piece's; QA)."""
        try:
            request: GenerationRequest = build()
        except PartExists as exists:
            self.ask_about_part(exists)
            return
        except ValueError as error:
            self.panel._error(str(error))
            return
        self.panel.last_request = again  # Regenerate: the same bars and voices, the panel as it is then
        tabs = self.window.side_tabs  # show the co-writer tab, where the variations appear
        for index in range(tabs.count()):
            page = tabs.widget(index)
            if page is self.panel or getattr(page, "widget", lambda: None)() is self.panel:
                tabs.setCurrentIndex(index)
        reason = self.panel.cowriter.generate_request(request)
        if reason:
            self.panel._error(reason)
            return
        self.panel.request_scope = self.bars_text(*span) if span else ""
        if finds_no_key(request):  # e.g. a bass added to drums alone (QA)
            self.panel.message.emit("There are no pitched notes, chords or key signature to take a key from, "
                                    "or the music changes key too often for one, so the new notes keep to no "
                                    "key: choose one under Key lock")
