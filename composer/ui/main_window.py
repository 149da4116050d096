"""The composer window: editor in the middle, transport on top, co-writer and voicing on the
right, status at the bottom. It wires the parts together; each part lives in its own module."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QMessageBox, QScrollArea, QTabWidget, QWidget

from composer.ui.autosave import Autosaver, offer_recovery, recover_into
from composer.ui.cowriter import CoWriter
from composer.ui.cowriter_panel import CoWriterPanel
from composer.ui.document import ScoreDocument
from composer.ui.editor_view import EditorView
from composer.ui.file_actions import FileActions, can_open
from composer.ui.midi_bridge import install as install_midi
from composer.ui.midi_out_controls import install as install_midi_out
from composer.ui.playback import PlaybackController
from composer.ui.region_actions import RegionActions
from composer.ui.settings import AppSettings
from composer.ui.settings_dialog import SettingsDialog
from composer.ui.status_bar import ComposerStatusBar
from composer.ui.transport import TransportBar


class MainWindow(QMainWindow):
    def __init__(self, *, load_model: bool = True, start_audio: bool = True):
        super().__init__()
        self.setWindowTitle("Composer")
        self.resize(1400, 860)
        self.setAcceptDrops(True)
        self.settings = AppSettings()
        self.document = ScoreDocument(parent=self)
        self.playback = PlaybackController(self)
        self.cowriter = CoWriter(self.document, self)
        self.last_error = ""
        self._message_box: QMessageBox | None = None

        self.editor = EditorView(self.document)
        self.roll = self.editor.roll
        self.setCentralWidget(self.editor)
        self.transport = TransportBar(self.document, self.playback, self)
        self.addToolBar(self.transport)
        self.addToolBar(self.editor.toolbar)
        self.cowriter_panel = CoWriterPanel(self.cowriter, self.document, lambda: self.playback.position)
        self.cowriter_panel.apply_settings(self.settings.generation())
        from composer.ui.voicing_panel import VoicingPanel

        self.voicing_panel = VoicingPanel(self.document)
        tabs = QTabWidget()
        tabs.addTab(scrolling(self.cowriter_panel), "Co-writer")
        tabs.addTab(scrolling(self.voicing_panel), "Voicing")
        self.side_tabs = tabs
        dock = QDockWidget("Co-writer and voicing", self)
        dock.setObjectName("side")
        dock.setWidget(tabs)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        dock.setMinimumWidth(280)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.resizeDocks([dock], [380], Qt.Orientation.Horizontal)  # the roll gets the room
        self.status = ComposerStatusBar(self)
        self.setStatusBar(self.status)
        self.files = FileActions(self)
        self.autosaver = Autosaver(self.document, self.cowriter_panel.settings, self.files.autosave_source,
                                   self.settings.autosave_seconds, self)
        self._score_sync = QTimer(self, singleShot=True, interval=30)  # batch playback updates
        self._score_sync.timeout.connect(self._sync_playback_score)
        self.regions = RegionActions(self)  # Fill and Add part (buttons in the co-writer panel)
        self._wire()
        self._build_menus()
        self.midi = install_midi(self)  # MIDI menu, keyboard thru/record/call-and-response
        self.midi_out = install_midi_out(self)  # MIDI out, sync, dragging clips out
        self._update_title()
        self._model_state(self.cowriter.state, self.cowriter.message)
        self.status.audio.set_state("off", "Sound: starting…" if start_audio else "Sound: off")
        if load_model:
            QTimer.singleShot(0, self.load_model)
        if start_audio:
            QTimer.singleShot(0, self.start_audio)

    # --- wiring ------------------------------------------------------------------------------
    def _wire(self) -> None:
        doc, roll, pb = self.document, self.roll, self.playback
        doc.notes_changed.connect(self._score_sync.start)
        doc.score_settings_changed.connect(lambda _name: self._score_sync.start())
        doc.score_settings_changed.connect(
            lambda name: self._voice_picked(self.voicing_panel.current_voice) if name == "voices" else None)
        doc.undo_stack.cleanChanged.connect(self._update_title)
        self.files.path_changed.connect(lambda _path: self._update_title())
        pb.position_changed.connect(self._playhead_moved)
        self.editor.ruler.seek_requested.connect(pb.seek)
        self.editor.ruler.loop_requested.connect(self._loop_dragged)
        self.transport.loop_changed_hook = self._show_loop
        roll.audition.connect(pb.note_on)
        roll.audition_off.connect(pb.note_off)
        self.editor.keyboard.key_pressed.connect(lambda pitch: pb.note_on(pitch, 90, self.voicing_panel.current_voice))
        self.editor.keyboard.key_released.connect(lambda pitch: pb.note_off(pitch, self.voicing_panel.current_voice))
        self.voicing_panel.current_voice_changed.connect(self._voice_picked)
        self.cowriter.model_state_changed.connect(self._model_state)
        # ready means free: it showed a green "Co-writer ready" beside "note 324 of 1000" (QA)
        self.cowriter.busy_changed.connect(lambda _busy: self._model_state(self.cowriter.state, self.cowriter.message))
        self.cowriter_panel.preview_changed.connect(roll.set_ghosts)
        self.cowriter_panel.replaced_changed.connect(roll.set_replaced)
        self.cowriter_panel.reveal_requested.connect(roll.reveal)  # new notes are shown, never off-screen
        self.cowriter_panel.message.connect(self._panel_message)
        self.editor.chord_lane.message.connect(self.show_status)  # a chord figure that could not be read
        self.cowriter_panel.audition_requested.connect(pb.audition)
        self.autosaver.failed.connect(self.show_status)
        self.document.limit_refused.connect(lambda why: self.show_status(f"Not changed: {why}"))
        if self.settings.ignored:  # a damaged or hand-edited settings file: say what was not used
            QTimer.singleShot(0, lambda: self.show_status("Settings: " + "; ".join(self.settings.ignored)))
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        space.activated.connect(pb.toggle)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        files = bar.addMenu("&File")
        for text, key, slot in (("&New", QKeySequence.StandardKey.New, self.files.new),
                                ("&Open…", QKeySequence.StandardKey.Open, self.files.open_dialog)):
            files.addAction(self._action(text, key, slot))
        self.recent_menu = files.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        files.addSeparator()
        files.addAction(self._action("&Save", QKeySequence.StandardKey.Save, self.files.save))
        files.addAction(self._action("Save &As…", QKeySequence.StandardKey.SaveAs, self.files.save_as))
        files.addSeparator()
        files.addAction(self._action("Export &MIDI…", "Ctrl+E", lambda: self.files.export_midi_dialog(False)))
        files.addAction(self._action("Export &Continuation Only (MIDI)…", None,
                                     lambda: self.files.export_midi_dialog(True)))
        files.addAction(self._action("Export &WAV…", None, self.files.export_wav_dialog))
        self.normalise_action = QAction("Normalise WAV Loudness (peak −1 dBFS)", self, checkable=True,
                                        checked=self.settings.wav_normalise)
        self.normalise_action.setToolTip("Scale each exported WAV so its loudest sample peaks at −1 dBFS; "
                                         "off: as the synth renders it")
        self.normalise_action.toggled.connect(lambda on: setattr(self.settings, "wav_normalise", on))
        files.addAction(self.normalise_action)
        files.addSeparator()
        files.addAction(self._action("Se&ttings…", QKeySequence.StandardKey.Preferences, self.open_settings))
        files.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close))
        edit = bar.addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        # (after the stack's own slot: what was undone is then its redo text, and the reverse)
        undo.triggered.connect(lambda: self._say_undo("Undone", self.document.undo_stack.redoText()))
        redo.triggered.connect(lambda: self._say_undo("Redone", self.document.undo_stack.undoText()))
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        for action in self.editor.edit_actions:
            edit.addAction(action)
        view = bar.addMenu("&View")
        for action in self.editor.view_actions:
            view.addAction(action)
        self.follow_action = QAction("&Follow Playback", self, checkable=True, checked=True)
        view.addAction(self.follow_action)
        transport = bar.addMenu("&Transport")
        for action in (self.transport.play_action, self.transport.stop_action, self.transport.loop_action,
                       self.transport.metronome_action):
            transport.addAction(action)
        cowriter = bar.addMenu("&Co-writer")
        cowriter.addAction(self._action("&Continue", "Ctrl+Return", self.cowriter_panel.continue_seed))
        cowriter.addAction(self.regions.fill_action)
        cowriter.addMenu(self.regions.add_part_menu)
        cowriter.addAction(self._action("C&ancel", None, self.cowriter.cancel))
        cowriter.addAction(self._action("Acc&ept Selected Variation", "Ctrl+Shift+Return",
                                        lambda: self.cowriter_panel.accept()))
        cowriter.addAction(self._action("&Reload Model", None, self.load_model))
        cowriter.addSeparator()
        self.learn_style_action = self._action("&Learn a Style from a Folder…", None, self.learn_style)
        cowriter.addAction(self.learn_style_action)

    def _action(self, text: str, key, slot) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        return action

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files():
            self.recent_menu.addAction(Path(path).name, lambda p=path: self.files.open_path(p)).setToolTip(path)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # --- services ----------------------------------------------------------------------------
    def load_model(self) -> None:
        # A style of the user's (composer adapt) lives in its own checkpoint: load that one at once.
        style = self.cowriter_panel.style_box.currentData() or self.settings.generation().get("style") or None
        self.cowriter.load_model(self.settings.checkpoint or None, style=style if isinstance(style, str) else None)

    def learn_style(self):
        """Co-writer ▸ Learn a Style from a Folder… (non-modal: the window stays usable)."""
        from composer.ui.adapt_dialog import AdaptDialog

        dialog = getattr(self, "adapt_dialog", None)
        if dialog is None:
            dialog = AdaptDialog(self.settings.checkpoint or None, taken=self.cowriter.styles, parent=self)
            dialog.style_added.connect(lambda _name, _path: self.cowriter.refresh_user_styles())
            self.adapt_dialog = dialog
        dialog.set_base(self.settings.checkpoint or None, self.cowriter.styles)  # Settings may have changed it
        dialog.show()
        dialog.raise_()
        return dialog

    def start_audio(self) -> None:
        from composer.ui.audio_bridge import AudioStarter

        self._audio_starter = AudioStarter(self.settings, self)
        self._audio_starter.started_ok.connect(self._audio_ready)
        self._audio_starter.failed.connect(self._audio_failed)
        self._audio_starter.start()

    def _audio_ready(self, bridge) -> None:
        bridge.engine = self.midi_out.wrap(bridge.engine)  # each voice: synth, MIDI out or both
        self.playback.attach_audio(bridge)
        if bridge.engine is not None:
            self.voicing_panel.set_kits(bridge.engine.drum_kits())  # the kits this soundfont has
        self.midi.bridge.attach_engine(bridge.engine)
        text = bridge.summary() if bridge.can_play else "No sound (see tooltip)"
        self.status.audio.set_state("ok" if bridge.can_play else "missing", text, bridge.hint())

    def _audio_failed(self, message: str, hint: str) -> None:
        self.status.audio.set_state("missing", "No sound", f"{message}\n{hint}".strip())

    def _model_state(self, state: str, message: str) -> None:
        colour = {"ready": "ok", "loading": "busy", "error": "missing"}.get(state, "off")
        text = {"ready": "Co-writer ready", "loading": "Loading model…",
                "error": "No model (see tooltip)"}.get(state, "No model")
        hint = message
        if state == "ready" and self.cowriter.busy:
            colour, text = "busy", "Co-writer working…"
            hint = f"Writing variations (Cancel in the co-writer panel stops it). {message}"
        if state == "error":
            hint += "\nChoose a checkpoint in Settings, or train one with `composer train`."
            # Said, not only in a tooltip: a checkpoint in Settings that cannot be used left Continue,
            # Fill and Add part greyed out with "No model" and no word of which file or why (QA).
            if message and getattr(self, "_model_error", None) != message:
                self.show_error(f"The co-writer's model could not be loaded. {hint}")
        self._model_error = message if state == "error" else None
        self.status.model.set_state(colour, text, hint)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            changed = dialog.apply()
            if "checkpoint" in changed:
                self.load_model()
            if changed & {"soundfont", "audio_driver"}:
                if self.playback.audio is not None:
                    self.playback.audio.close()
                    self.playback.audio = None
                self.start_audio()
            if "autosave_seconds" in changed:
                self.autosaver.set_interval(self.settings.autosave_seconds)
            if "midi_input" in changed:
                self.midi.choose(self.settings.midi_input)

    # --- reactions ---------------------------------------------------------------------------
    def _sync_playback_score(self) -> None:
        self.playback.set_score(self.document.score())

    def _playhead_moved(self, tick: int) -> None:
        self.roll.set_playhead(tick)
        self.editor.ruler.update()
        if self.playback.playing and self.follow_action.isChecked():
            self.roll.follow(tick)

    def _loop_dragged(self, start: int, end: int) -> None:
        self.playback.set_loop(True, (start, end))
        self.transport.loop_action.blockSignals(True)
        self.transport.loop_action.setChecked(True)
        self.transport.loop_action.blockSignals(False)
        self._show_loop()

    def _show_loop(self) -> None:
        pb = self.playback
        self.roll.set_loop(pb.loop_region if pb.loop_enabled else None)
        self.editor.ruler.update()

    def _voice_picked(self, voice: int) -> None:
        voices = self.document.voices
        self.editor.keyboard.set_drums(0 <= voice < len(voices) and voices[voice].is_drum)  # rows named by drum
        self.roll.current_voice = voice  # (Continue writes each voice in its own voice; Voicing > Write picks)

    def _panel_message(self, text: str) -> None:
        if text == self.cowriter_panel.last_error:
            self.show_error(text)
        else:
            self.show_status(text)

    def after_load(self) -> None:
        """A new score is in the editor: reset view state that belonged to the old one (the
        loop region, the playhead, variations, the view)."""
        self.playback.set_loop(False)
        self.playback.loop_region = None
        self.transport.loop_action.blockSignals(True)
        self.transport.loop_action.setChecked(False)
        self.transport.loop_action.blockSignals(False)
        self._show_loop()
        self.playback.stop()  # the playhead back to 0
        self.roll.set_ghosts([])
        self.cowriter_panel.variations.set_variations([], [])
        # every part in view (a bass or drum part off-screen looks missing), from bar 1
        self.roll.show_piece(self.document.store.notes())
        self.roll.horizontalScrollBar().setValue(0)
        self._update_title()

    def show_status(self, text: str) -> None:
        self.status.showMessage(text, 8000)

    def _say_undo(self, done: str, what: str) -> None:
        """Undo or Redo says what it did, so a line like "Accepted variation 1 ... (Ctrl+Z undoes
        it)" does not stay up after the undo it offered (QA)."""
        self.show_status(f"{done}: {what}" if what else done)

    def show_error(self, text: str) -> None:
        """A message for the user, not a traceback; non-blocking so work (and tests) go on."""
        self.last_error = text
        self.status.showMessage(text.splitlines()[0], 12000)
        if self._message_box is not None:
            self._message_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "Composer", text, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._message_box = box

    def _update_title(self, clean: bool | None = None) -> None:
        """The title: the file's name, * while unsaved. clean: as the undo stack's cleanChanged
        says it (read from the stack otherwise): the stack emits it as it goes with a window
        closed on Discard, and reading the stack then printed a traceback (QA)."""
        if clean is None:
            clean = self.document.undo_stack.isClean()
        self.setWindowTitle(f"{self.files.display_name()}{'' if clean else '*'} — Composer")

    # --- recovery, drag and drop, closing ----------------------------------------------------
    def offer_recovery(self, opening: str | None = None) -> bool:
        """Offer an orphaned autosave (composer.ui.autosave.offer_recovery); True if recovered."""
        return offer_recovery(self, opening)

    def recover_from(self, path: Path) -> bool:
        return recover_into(self, path)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Escape that no widget took (a button, a list, a box of the co-writer panel had focus;
        # a text field or the chord lane's editor keeps its own): select nothing, as in the roll.
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.editor.select_none()
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and can_open(urls[0].toLocalFile()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.files.open_path(urls[0].toLocalFile())
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.settings.set_generation(self.cowriter_panel.settings())
        self.settings.sync()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop every worker and the sound; remove this session's autosave (a clean exit)."""
        self.autosaver.stop()
        self.cowriter.shutdown()
        if getattr(self, "adapt_dialog", None) is not None:
            self.adapt_dialog.shutdown()
        self.files.wait()
        starter = getattr(self, "_audio_starter", None)
        if starter is not None:
            starter.wait(5000)
        self.midi.close()
        self.midi_out.close()
        self.playback.close()


def scrolling(panel: QWidget) -> QScrollArea:
    """A side panel that scrolls when the window is too small for it, so no button is ever out of
    reach under the status bar (the panel keeps its natural layout). Sideways too: the Voicing
    table (515 px) is wider than the dock (about 376 px), and with no horizontal scroll bar its
    Volume, Pan, M, S and Write columns were cut off and could not be reached."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


def open_window(path: str | None = None, **options) -> MainWindow:
    window = MainWindow(**options)
    window.show()

    def start() -> None:  # recovery is offered with or without a file argument (its autosave first)
        if not window.offer_recovery(path) and path:
            window.files.open_path(path, confirmed=True)

    QTimer.singleShot(200, start)
    return window


__all__ = ["MainWindow", "open_window"]
