"""The window's side of MIDI out and sync (composer.midi_out, Qt-free): the MIDI menu's output
port, routing and sync entries, the status bar's sync state ("Sync: leading 120.0 bpm",
"following 122.0 bpm", "lost"), the drag-a-clip button and variation dragging, and the settings
they remember. The sound engine is wrapped (wrap()) so that playback, audition, thru and
call-and-response answers all follow the routing.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup

from composer.midi_out import (
    ROUTES,
    FollowTransport,
    MidiOutput,
    OutPortsChanged,
    OutStatusChanged,
    Routing,
    SyncChanged,
)
from composer.ui.clip_drag import ClipDragButton, VariationDragger
from composer.ui.status_bar import StatusIndicator

POLL_MS = 15
VIRTUAL = "(virtual)"
ROUTE_TEXT = {"internal": "Composer's Synth", "external": "MIDI Out", "both": "Both"}
SYNC_TEXT = {"off": "Off (free-running)", "lead": "Lead: Send MIDI Clock",
             "follow": "Follow MIDI Clock", "jack": "Follow JACK Transport"}
_STATE_COLOURS = {"connected": "ok", "virtual": "ok", "disconnected": "busy", "none": "off",
                  "unavailable": "missing"}


class MidiOutBridge(QObject):
    status_changed = Signal(str, str)  # text, tooltip
    sync_changed = Signal(str, str, str)  # indicator state, text, tooltip
    follow_transport = Signal(bool, int)  # the followed DAW started (True) or stopped, at tick
    ports_changed = Signal()

    def __init__(self, parent: QObject | None = None, *, api: str | None = None):
        super().__init__(parent)
        self.service = MidiOutput(api=api)
        self.service.direct_follow = False  # start/stop go through the window's playback
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def poll(self) -> None:
        self.service.refresh_lead()
        for event in self.service.drain():
            if isinstance(event, SyncChanged):
                self.sync_changed.emit(*self.describe_sync())
            elif isinstance(event, FollowTransport):
                self.follow_transport.emit(event.running, event.tick)
            elif isinstance(event, OutStatusChanged):
                self.status_changed.emit(event.status.message, event.status.backend or "")
            elif isinstance(event, OutPortsChanged):
                self.ports_changed.emit()

    def describe_sync(self) -> tuple[str, str, str]:
        state = self.service.sync_state
        colour = ("ok" if state.startswith(("leading", "following")) else "missing" if state == "lost"
                  else "busy" if state.startswith("waiting") else "off" if state == "off" else "missing")
        out = self.service.status
        hint = (f"Tempo sync: {state}\nMIDI out: {out.message}\n"
                "Choose in MIDI → Sync: lead (send clock) or follow a DAW's clock or JACK transport.")
        return colour, f"Sync: {state}", hint

    def close(self) -> None:
        self._timer.stop()
        self.service.close()


class MidiOutControls(QObject):
    def __init__(self, window, *, api: str | None = None):
        super().__init__(window)
        self.window = window
        self._q = QSettings("Composer", "Composer")
        self.bridge = MidiOutBridge(self, api=api)
        self.service = self.bridge.service
        self.sync_indicator = StatusIndicator("Sync")
        window.status.addPermanentWidget(self.sync_indicator)
        self.drag_button = ClipDragButton(window)
        window.editor.toolbar.addWidget(self.drag_button)
        self.variation_dragger = VariationDragger(window, window.cowriter_panel.variations)
        self._build_menu(window.midi.menu)
        b = self.bridge
        b.sync_changed.connect(self.sync_indicator.set_state)
        b.status_changed.connect(lambda text, _backend: window.show_status(text))
        b.follow_transport.connect(self._follow_transport)
        self._restore()
        self.sync_indicator.set_state(*b.describe_sync())

    # --- the engine ---------------------------------------------------------------------------
    def wrap(self, engine):
        """The sound engine with routing; everything that plays uses the result."""
        return self.service.wrap(engine)

    # --- the menu -----------------------------------------------------------------------------
    def _build_menu(self, menu) -> None:
        menu.addSeparator()
        self.out_menu = menu.addMenu("&Output Port")
        self.out_menu.aboutToShow.connect(self._fill_ports)
        self.route_menu = menu.addMenu("Output &Routing")
        self.route_menu.aboutToShow.connect(self._fill_routes)
        self.sync_menu = menu.addMenu("&Sync")
        self.sync_menu.aboutToShow.connect(self._fill_sync)
        self._fill_ports()
        self._fill_routes()
        self._fill_sync()

    def _checkable(self, menu, group: QActionGroup, text: str, checked: bool, slot) -> QAction:
        action = QAction(text, menu, checkable=True, checked=checked)
        action.triggered.connect(lambda _checked=False: slot())
        group.addAction(action)
        menu.addAction(action)
        return action

    def _fill_ports(self) -> None:
        menu, service = self.out_menu, self.service
        menu.clear()
        group = QActionGroup(menu)
        if not service.status.available:
            menu.addAction("No MIDI output ports").setEnabled(False)
            menu.addAction(service.status.message).setEnabled(False)
            return
        state = service.status.state
        current = service.status.port if state in ("connected", "disconnected") else None
        ports = service.ports()
        for name in ports:
            self._checkable(menu, group, name, name == current, lambda n=name: self.choose_port(n))
        if current and current not in ports:
            self._checkable(menu, group, f"{current} (not connected)", True, lambda n=current: self.choose_port(n))
        if not ports:
            menu.addAction(f"No MIDI destinations found ({service.status.backend})").setEnabled(False)
        menu.addSeparator()
        self._checkable(menu, group, "Virtual Port \"Composer out\" (the DAW connects to it)", state == "virtual",
                        lambda: self.choose_port(VIRTUAL))
        self._checkable(menu, group, "None", state == "none", lambda: self.choose_port(""))

    def choose_port(self, value: str) -> None:
        if value == VIRTUAL:
            self.service.open_virtual("out")
        elif value:
            self.service.open(value)
        else:
            self.service.close_port()
        self._q.setValue("midi_out/port", value)
        self.bridge.poll()

    def _fill_routes(self) -> None:
        menu = self.route_menu
        menu.clear()
        routing = self.service.routing
        menu.addSection("All voices")
        group = QActionGroup(menu)
        for route in ROUTES:
            self._checkable(menu, group, ROUTE_TEXT[route], routing.default == route,
                            lambda r=route: self.set_route(None, r))
        voice = self.window.voicing_panel.current_voice
        menu.addSection(f"Current voice ({voice + 1})")
        group = QActionGroup(menu)
        own = routing.voices.get(voice)
        self._checkable(menu, group, "As All Voices", own is None, lambda: self.set_route(voice, None))
        for route in ROUTES:
            self._checkable(menu, group, ROUTE_TEXT[route], own == route, lambda r=route: self.set_route(voice, r))

    def set_route(self, voice: int | None, route: str | None) -> None:
        """Route all voices (voice None) or one voice (route None: as all voices)."""
        routing = self.service.routing
        voices = dict(routing.voices)
        if voice is None:
            routing = Routing(route or "internal", voices)
        else:
            if route is None:
                voices.pop(voice, None)
            else:
                voices[voice] = route
            routing = Routing(routing.default, voices)
        self.service.set_routing(routing)
        self._q.setValue("midi_out/route", routing.default)
        self._q.setValue("midi_out/voice_routes", json.dumps({str(k): v for k, v in routing.voices.items()}))
        if routing.default != "internal" or routing.voices:
            if self.service.status.state == "none":
                self.window.show_status("Voices go to MIDI out: choose an output port in MIDI → Output Port")

    def _fill_sync(self) -> None:
        menu = self.sync_menu
        menu.clear()
        group = QActionGroup(menu)
        mode = self.service.sync_mode
        self._checkable(menu, group, SYNC_TEXT["off"], mode == "off", lambda: self.set_sync("off"))
        self._checkable(menu, group, SYNC_TEXT["lead"], mode == "lead", lambda: self.set_sync("lead"))
        follow = menu.addMenu(SYNC_TEXT["follow"])
        source = self._q.value("midi_out/sync_source", "") or ""
        for name in self.service.sync_ports():
            self._checkable(follow, group, name, mode == "follow" and source == name,
                            lambda n=name: self.set_sync("follow", n))
        self._checkable(follow, group, "Virtual Port \"sync in\" (the DAW sends clock to it)",
                        mode == "follow" and not source, lambda: self.set_sync("follow", ""))
        jack = self._checkable(menu, group, SYNC_TEXT["jack"], mode == "jack", lambda: self.set_sync("jack"))
        try:
            import jack as _jack  # noqa: F401  (optional: JACK-Client)
        except ImportError:
            jack.setEnabled(False)
            jack.setText(SYNC_TEXT["jack"] + " (needs JACK-Client)")

    def set_sync(self, mode: str, source: str = "") -> None:
        state = self.service.set_sync(mode, source or None)
        self._q.setValue("midi_out/sync", self.service.sync_mode)
        self._q.setValue("midi_out/sync_source", source)
        self.bridge.poll()
        if state.startswith("cannot"):
            self.window.show_status(f"Sync: {state}")

    def _follow_transport(self, running: bool, tick: int) -> None:
        pb = self.window.playback
        if running:
            pb.play(tick)
        else:
            pb.pause()
            pb.seek(tick)

    # --- settings -----------------------------------------------------------------------------
    def _restore(self) -> None:
        try:
            voices = {int(k): v for k, v in json.loads(self._q.value("midi_out/voice_routes", "") or "{}").items()}
            routing = Routing(self._q.value("midi_out/route", "internal") or "internal", voices)
        except (ValueError, TypeError, AttributeError):
            routing = Routing()  # a damaged setting: everything plays inside, as by default
        self.service.set_routing(routing)
        port = self._q.value("midi_out/port", "") or ""
        if port and self.service.status.available:
            self.choose_port(port)
        mode = self._q.value("midi_out/sync", "off") or "off"
        if mode != "off" and mode in SYNC_TEXT:
            self.set_sync(mode, self._q.value("midi_out/sync_source", "") or "")

    def close(self) -> None:
        self.bridge.close()


def install(window, **options) -> MidiOutControls:
    """Add MIDI out, sync and clip dragging to the main window (once, after the MIDI menu)."""
    return MidiOutControls(window, **options)


__all__ = ["MidiOutControls", "install"]
