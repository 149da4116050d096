"""The transport bar: play/pause, stop, loop, tempo, time signature, metronome and position."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QSpinBox, QToolBar, QWidget

from composer.music.meter import MeterMap
from composer.music.score import Score, TempoChange, TimeSignature
from composer.ui import bar_grid
from composer.ui.document import ScoreDocument
from composer.ui.playback import PlaybackController


PLAY_TEXT, PAUSE_TEXT = "▶ Play", "❚❚ Pause"


def position_text(tick: int, meters: MeterMap | TimeSignature, seconds: float) -> str:
    """'  5.2.50   0:09.75': bar.beat.hundredths of a beat at `tick` (ticks, 480 per quarter) in
    the meter map (bar 1 = first full bar, a pickup is bar 0: composer.ui.bar_grid), then the
    time in minutes:seconds."""
    where = bar_grid.bar_beat(bar_grid.as_meter_map(meters), tick)
    minutes, secs = divmod(seconds, 60)
    return f"{where.bar:>3}.{where.beat}.{where.hundredths:02d}   {int(minutes)}:{secs:05.2f}"


class TransportBar(QToolBar):
    def __init__(self, document: ScoreDocument, playback: PlaybackController, parent: QWidget | None = None):
        super().__init__("Transport", parent)
        self.setObjectName("transport")
        self.document = document
        self.playback = playback
        self.play_action = QAction(PLAY_TEXT, self)
        self.play_action.setToolTip("Play / pause (Space)")
        self.play_action.triggered.connect(playback.toggle)
        self.stop_action = QAction("■ Stop", self)
        self.stop_action.triggered.connect(playback.stop)
        self.loop_action = QAction("⟲ Loop", self, checkable=True)
        self.loop_action.setToolTip("Loop the region set on the ruler (Shift-drag or right-drag there)")
        self.loop_action.toggled.connect(self._loop_toggled)
        self.metronome_action = QAction("♩ Click", self, checkable=True)
        self.metronome_action.setToolTip("Metronome")
        self.metronome_action.toggled.connect(playback.set_metronome)
        for action in (self.play_action, self.stop_action, self.loop_action, self.metronome_action):
            self.addAction(action)
        # Play and Pause take the same width, so the buttons after it never shift under the pointer.
        button = self.widgetForAction(self.play_action)
        widths = []
        for text in (PAUSE_TEXT, PLAY_TEXT):
            self.play_action.setText(text)
            widths.append(button.sizeHint().width())
        button.setFixedWidth(max(widths))
        self.addSeparator()
        self.addWidget(QLabel(" Tempo "))
        self.tempo = QDoubleSpinBox(decimals=1, minimum=20.0, maximum=400.0, singleStep=1.0, suffix=" bpm")
        self.tempo.setKeyboardTracking(False)
        self.tempo.valueChanged.connect(self._tempo_edited)
        self.addWidget(self.tempo)
        self.addWidget(QLabel("  Time "))
        self.numerator = QSpinBox(minimum=1, maximum=32)
        self.numerator.setKeyboardTracking(False)
        self.denominator = QComboBox()
        for d in (2, 4, 8, 16):
            self.denominator.addItem(str(d), d)
        self.numerator.valueChanged.connect(self._signature_edited)
        self.denominator.currentIndexChanged.connect(self._signature_edited)
        self.addWidget(self.numerator)
        self.addWidget(QLabel("/"))
        self.addWidget(self.denominator)
        self.addSeparator()
        self.position = QLabel()
        self.position.setMinimumWidth(150)
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.position.setStyleSheet("font-family: monospace; font-size: 11pt")
        self.addWidget(self.position)
        self._updating = False
        document.score_settings_changed.connect(self._settings_changed)
        playback.position_changed.connect(self._show_position)
        playback.playing_changed.connect(lambda playing: self.play_action.setText(PAUSE_TEXT if playing else PLAY_TEXT))
        self._settings_changed("tempos")
        self._settings_changed("time_signature")
        self._show_position(0)

    def _settings_changed(self, name: str) -> None:
        self._updating = True
        try:
            if name == "tempos":
                self.tempo.setValue(self.document.bpm)
            elif name in ("time_signature", "meters"):
                sig = self.document.time_signature
                self.numerator.setValue(sig.numerator)
                index = self.denominator.findData(sig.denominator)
                if index < 0:
                    self.denominator.addItem(str(sig.denominator), sig.denominator)
                    index = self.denominator.count() - 1
                self.denominator.setCurrentIndex(index)
                self._explain_meters()
        finally:
            self._updating = False
        self._show_position(self.playback.position)

    def _tempo_edited(self, bpm: float) -> None:
        if self._updating:
            return
        tempos = self.document.field("tempos")
        tempos[0] = TempoChange(0, float(bpm))
        self.document.set_score_field("tempos", tempos, "Change tempo")

    def _signature_edited(self) -> None:
        if self._updating:
            return
        # The meter of the first bar (and a pickup's) changes; later meter changes stay. The whole
        # map is one undo step, so undo brings back a later change the new meter made redundant.
        probe = Score(meters=self.document.field("meters"))
        probe.time_signature = TimeSignature(self.numerator.value(), self.denominator.currentData())
        self.document.set_score_field("meters", probe.meters, "Change time signature")

    def _explain_meters(self) -> None:
        """The control's tooltip says what it changes when the piece has meter changes."""
        meters = self.document.meter_map()
        tip = "Time signature of the piece"
        if len(meters.changes) > 1:
            later = ", ".join(f"{bar_grid.meter_label(c)} at bar {bar_grid.bar_number(meters, c.tick)}"
                              for c in meters.changes[1:])
            tip = f"Time signature from the start (the first bar); the later changes stay: {later}"
        for widget in (self.numerator, self.denominator):
            widget.setToolTip(tip)

    def _loop_toggled(self, on: bool) -> None:
        if on and self.playback.loop_region is None:
            meters = self.document.meter_map()
            start, end = bar_grid.bar_at(meters, self.playback.position)
            for _ in range(3):  # four bars from the playhead's, as the meter map has them
                end = bar_grid.bar_at(meters, end)[1]
            if start < 0:  # from a pickup: four bars' time, as a repeat sign takes the pickup's
                # beats from the last bar (the pickup and bars 1-3 put an extra beat in every pass)
                end = min(end - start, bar_grid.bar_at(meters, end)[1])
            self.playback.set_loop(True, (max(0, start), end))
        else:
            self.playback.set_loop(on)
        self.loop_changed_hook()

    def loop_changed_hook(self) -> None:
        """Replaced by the window to repaint the ruler and roll."""

    def show_position(self, tick: int) -> None:
        """Show `tick` (ticks) in the position readout: playback's position, or a take's."""
        self._show_position(tick)

    def _show_position(self, tick: int) -> None:
        seconds = self.document.score().seconds_at(tick) if tick else 0.0
        self.position.setText(position_text(tick, self.document.meter_map(), seconds))

