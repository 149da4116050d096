"""The window's side of MIDI input (composer.midi_in, Qt-free): a QObject that owns the service,
polls it with a QTimer and turns what happened into signals for the GUI thread, plus the MIDI
menu (ports, virtual port, record arm with quantise, call and response) and how a take or a duet
lands in the score.

Sound never waits for this: the service's own thread sends played notes to the synth; the GUI
only learns of them ~15 ms later to light keys and draw the take.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup

from composer.midi_in import (
    QUANTISE_CHOICES,
    CallResponseSettings,
    ExchangeDone,
    KeyLit,
    MidiInput,
    MidiStatus,
    NotesChanged,
    PortsChanged,
    StatusChanged,
)
from composer.music.score import Note
from composer.music.transform import grid_ticks

POLL_MS = 15
VIRTUAL = "(virtual)"  # the remembered choice "open a virtual port"
_STATE_COLOURS = {"connected": "ok", "virtual": "ok", "disconnected": "busy", "none": "off",
                  "unavailable": "missing"}


class MidiBridge(QObject):
    status_changed = Signal(str, str, str)  # indicator state, text, tooltip
    ports_changed = Signal(list)
    key_lit = Signal(int, bool, bool)  # pitch, on, played by the co-writer
    live_notes = Signal(list)  # the take or duet so far (shown as ghosts)
    position = Signal(int)  # the tick being recorded
    exchange_done = Signal(object)
    duet_message = Signal(str)

    def __init__(self, parent: QObject | None = None, *, api: str | None = None):
        super().__init__(parent)
        self.service = MidiInput(None, api=api)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    @property
    def status(self) -> MidiStatus:
        return self.service.status

    def attach_engine(self, engine) -> None:
        self.service.engine = engine

    def describe(self) -> tuple[str, str, str]:
        s = self.service.status
        if s.state == "unavailable":
            return "missing", "MIDI in: no MIDI system", s.message
        text = s.message if s.state != "none" else "MIDI in: none"
        return _STATE_COLOURS.get(s.state, "off"), text, f"{s.message}\nMIDI system: {s.backend}"

    def poll(self) -> None:
        changed = False
        for event in self.service.drain():
            if isinstance(event, KeyLit):
                self.key_lit.emit(event.pitch, event.on, event.answer)
                changed = True
            elif isinstance(event, StatusChanged):
                self.status_changed.emit(*self.describe())
            elif isinstance(event, PortsChanged):
                self.ports_changed.emit(list(event.ports))
            elif isinstance(event, NotesChanged):
                changed = True
            elif isinstance(event, ExchangeDone):
                self.exchange_done.emit(event.exchange)
                if event.exchange.error:
                    self.duet_message.emit(f"The co-writer could not answer: {event.exchange.error}")
        recording = self.service.position()
        if recording is not None:
            self.position.emit(recording)
            if changed or self.service.recording:  # held notes grow while held
                self.live_notes.emit(self.service.live_notes())

    def close(self) -> None:
        self._timer.stop()
        self.service.close()


class MidiControls(QObject):
    """The MIDI menu and the wiring to the window's parts (keyboard, roll, document, status)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.bridge = MidiBridge(window)
        self.lit: set[int] = set()
        self._duet_pending = False
        self._build_menu()
        b = self.bridge
        b.status_changed.connect(window.status.midi.set_state)
        b.status_changed.connect(lambda *_: self._fill_ports())
        b.status_changed.connect(lambda *_: self._update_record())
        b.ports_changed.connect(lambda _ports: self._fill_ports())
        b.key_lit.connect(self._key_lit)
        b.live_notes.connect(window.roll.set_ghosts)
        b.position.connect(self._take_moved)
        b.duet_message.connect(window.show_status)
        window.cowriter.model_state_changed.connect(self._model_state)  # the duet answers with it
        window.voicing_panel.current_voice_changed.connect(b.service.set_voice)
        window.status.midi.set_state(*b.describe())
        self._reopen_remembered()
        self._update_record()

    # --- the menu ----------------------------------------------------------------------------
    def _build_menu(self) -> None:
        w = self.window
        menu = w.menuBar().addMenu("&MIDI")
        menu.setToolTipsVisible(True)  # a disabled Record says why
        self.menu = menu
        self.ports_menu = menu.addMenu("&Input Port")
        self.ports_menu.aboutToShow.connect(self._fill_ports)
        self.port_group = QActionGroup(self)
        menu.addSeparator()
        self.record_action = QAction("&Record (count-in 1 bar)", w, checkable=True)
        self.record_action.setShortcut("Ctrl+R")
        self.record_action.toggled.connect(self._record_toggled)
        menu.addAction(self.record_action)
        quantise = menu.addMenu("&Quantise Input")
        self.quantise_group = QActionGroup(self)
        for label in QUANTISE_CHOICES:
            action = QAction(label, w, checkable=True, checked=label == "none")
            action.setData(label)
            self.quantise_group.addAction(action)
            quantise.addAction(action)
        menu.addSeparator()
        self.duet_action = QAction("&Call and Response", w, checkable=True)
        self.duet_action.toggled.connect(self._duet_toggled)
        menu.addAction(self.duet_action)
        self.tempo_mode_action = QAction("Answer at the Next &Bar Line (tempo mode)", w, checkable=True)
        menu.addAction(self.tempo_mode_action)
        self._fill_ports()

    def _fill_ports(self) -> None:
        menu, service = self.ports_menu, self.bridge.service
        menu.clear()
        for action in self.port_group.actions():
            self.port_group.removeAction(action)
        if not service.status.available:
            menu.addAction("No MIDI input ports").setEnabled(False)
            menu.addAction(service.status.message).setEnabled(False)
            return
        current = service.status.port if service.status.state in ("connected", "disconnected") else None
        for name in service.ports():
            self._port_action(name, name, name == current)
        if current and current not in service.ports():
            self._port_action(f"{current} (not connected)", current, True)
        if not service.ports():
            menu.addAction(f"No MIDI devices found ({service.status.backend})").setEnabled(False)
        menu.addSeparator()
        self._port_action("Virtual Input Port (others connect to it)", VIRTUAL,
                          service.status.state == "virtual")
        self._port_action("None", "", service.status.state == "none")

    def _port_action(self, text: str, value: str, checked: bool) -> None:
        action = QAction(text, self.ports_menu, checkable=True, checked=checked)
        action.triggered.connect(lambda _checked=False, v=value: self.choose(v))
        self.port_group.addAction(action)
        self.ports_menu.addAction(action)

    def choose(self, value: str) -> None:
        """Open a port by name, the virtual port, or none; remembered in the settings."""
        service = self.bridge.service
        if value == VIRTUAL:
            service.open_virtual("input")
        elif value:
            service.open(value)
        else:
            service.close_port()
        self.window.settings.midi_input = value
        self.bridge.poll()

    def _reopen_remembered(self) -> None:
        remembered = self.window.settings.midi_input
        if remembered and self.bridge.service.status.available:
            self.choose(remembered)

    def grid(self) -> int | None:
        choice = QUANTISE_CHOICES[self.quantise_group.checkedAction().data()]
        return grid_ticks(*choice) if choice else None

    # --- keys --------------------------------------------------------------------------------
    def _key_lit(self, pitch: int, on: bool, _answer: bool) -> None:
        (self.lit.add if on else self.lit.discard)(pitch)
        keyboard = self.window.editor.keyboard
        keyboard.lit = self.lit
        keyboard.update()

    # --- recording ---------------------------------------------------------------------------
    def _take_moved(self, tick: int) -> None:
        """Where a take (or call and response) is, shown as playback's position is: the roll's line,
        the ruler's playhead, the transport's readout, and the view follows it (View > Follow
        Playback). Only the roll's line moved, so a long take ran off-screen under a frozen readout."""
        w = self.window
        w.roll.set_playhead(tick)
        w.editor.ruler.update()
        w.transport.show_position(tick)
        if w.follow_action.isChecked():
            w.roll.follow(tick)

    def _update_record(self) -> None:
        """Record only with a MIDI input to record from; otherwise off, and its tooltip says why
        (a count-in that records nothing helps no one)."""
        status = self.bridge.service.status
        ready = status.state in ("connected", "virtual")
        self.record_action.setEnabled(ready or self.record_action.isChecked())  # a running take can stop
        if ready:
            reason = "Record from the MIDI input after a bar of count-in (Ctrl+R)"
        elif status.state == "unavailable":
            reason = f"Record needs a MIDI input, and there is no MIDI system: {status.message}"
        elif status.state == "disconnected":
            reason = f"Record needs a MIDI input: {status.port} is disconnected; plug it in again"
        else:
            reason = "Record needs a MIDI input: choose one in MIDI ▸ Input Port"
        self.record_action.setToolTip(reason)
        self.record_action.setStatusTip(reason)

    def _record_toggled(self, on: bool) -> None:
        w, service = self.window, self.bridge.service
        if on:
            if self.duet_action.isChecked():
                self.duet_action.setChecked(False)
            w.playback.pause()
            service.set_voice(w.voicing_panel.current_voice)
            service.start_take(w.document.score(), w.playback.position, count_in_bars=1,
                               metronome=True, play_score=True, grid=self.grid())
            w.show_status("Recording: one bar of count-in, then play")
            return
        take = service.stop_take()
        w.roll.set_ghosts([])
        self._take_moved(w.playback.position)  # back where playback is (land() moves it after the take)
        if take is None:
            return
        self.land(take.raw, take.quantised, "Record take")
        w.playback.set_metronome(w.playback.metronome)  # the take's count-in changed it

    def land(self, notes: list[Note], quantised: list[Note] | None, text: str) -> list[int]:
        """Put recorded notes in the score as one undo step (quantising is a second one, so the
        played timing is one undo away), select them and move the playhead after them: the
        take is the co-writer's seed."""
        doc, w = self.window.document, self.window
        if not notes:
            w.show_status("Nothing was recorded")
            return []
        doc.undo_stack.beginMacro(text)
        try:
            doc.ensure_voices(max(n.voice for n in notes) + 1)
            ids = doc.add_notes(notes, text)
        finally:
            doc.undo_stack.endMacro()
        if quantised is not None and quantised != notes:
            doc.change_notes(dict(zip(ids, quantised)), "Quantise take")
        doc.set_selection(ids)
        w.playback.seek(max(n.end for n in (quantised or notes)))
        w.show_status(f"{text}: {len(notes)} notes (the seed for Continue)")
        return ids

    # --- call and response -------------------------------------------------------------------
    def _duet_toggled(self, on: bool) -> None:
        w = self.window
        if not on:
            self._duet_pending = False
            exchanges = self.bridge.service.stop_call_response()
            w.roll.set_ghosts([])
            self._take_moved(w.playback.position)  # as after a take
            notes = [n for e in exchanges for n in (*e.call, *e.answer)]
            self.land(sorted(notes, key=lambda n: (n.onset, n.pitch)), None,
                      f"Call and response ({len(exchanges)} exchanges)")
            return
        if self.record_action.isChecked():
            self.record_action.setChecked(False)
        # The answers come from the co-writer's model process (composer/ui/model_process.py): the
        # model is loaded once, outside the GUI process, and a changed checkpoint reloads it there.
        state = w.cowriter.state
        if state == "ready":
            self._start_duet()
            return
        if state == "error":
            self.duet_action.setChecked(False)
            w.show_error(f"Call and response needs the co-writer model: {w.cowriter.message}")
            return
        self._duet_pending = True
        w.show_status("Call and response: loading the co-writer model…")
        if state != "loading":
            w.load_model()

    def _model_state(self, state: str, message: str) -> None:
        if not self._duet_pending or not self.duet_action.isChecked():
            return
        if state == "ready":
            self._start_duet()
        elif state == "error":
            self._duet_pending = False
            self.duet_action.setChecked(False)
            self.window.show_error(f"Call and response needs the co-writer model: {message}")

    def duet_settings(self) -> CallResponseSettings:
        """The co-writer panel's settings, as the answer's settings (its controls too: a range
        or chord strength set for Continue holds for the answers)."""
        panel = self.window.cowriter_panel
        values = panel.options([])
        key = "auto" if panel.key_mode.currentData() == "detect" else values.get("key")
        return CallResponseSettings(tempo_mode=self.tempo_mode_action.isChecked(),
                                    # (an answer is counted in notes, whatever unit Length shows)
                                    length=panel.length.value(), style=values.get("style") or None,
                                    temperature=float(values.get("temperature", 1.0)),
                                    top_p=float(values.get("top_p", 0.95)), key=key,
                                    seed=random.randrange(2**31), controls=values.get("controls"))

    def _start_duet(self) -> None:
        w = self.window
        self._duet_pending = False
        w.playback.pause()
        self.bridge.service.set_voice(w.voicing_panel.current_voice)
        self.bridge.service.start_call_response(w.cowriter.remote_continuer(), w.document.score(),
                                                max(w.playback.position, w.document.score().end),
                                                self.duet_settings())
        w.show_status("Call and response: play a phrase and pause; play again to cut in")

    def close(self) -> None:
        if self.bridge.service.recording:
            self.record_action.setChecked(False)
        if self.bridge.service.duet_running:
            self.duet_action.setChecked(False)
        self.bridge.close()


def install(window) -> MidiControls:
    """Add MIDI input to the main window (called once from MainWindow.__init__)."""
    return MidiControls(window)
