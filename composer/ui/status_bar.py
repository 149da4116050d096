"""The status bar: a message area plus the state of the model, sound and MIDI input, each with a
tooltip that says how to fix what is missing."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

MAX_TEXT = 48
_COLOURS = {"ok": "#3a9a4a", "busy": "#c08a1a", "missing": "#c0392b", "off": "#888888"}


class StatusIndicator(QLabel):
    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.state = "off"
        self.set_state("off", f"{name}: …")

    def set_state(self, state: str, text: str, hint: str = "") -> None:
        self.state = state
        colour = _COLOURS.get(state, "#888888")
        if len(text) > MAX_TEXT:  # the details belong in the tooltip, not in a window-wide label
            text = text[:MAX_TEXT - 1] + "…"
        self.setText(f"<span style='color:{colour}'>●</span> {html.escape(text)}")
        self.setToolTip(hint or text)


class ComposerStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = StatusIndicator("Model")
        self.audio = StatusIndicator("Sound")
        self.midi = StatusIndicator("MIDI")
        for indicator in (self.model, self.audio, self.midi):
            self.addPermanentWidget(indicator)
        self.midi.set_state("off", "MIDI in: none",
                            "MIDI keyboard input is not available yet; choose a port in Settings once it is.")


def duration_text(seconds: float) -> str:
    """A duration as a person reads it: '850 ms' below a second ('0.0 s' would be untrue),
    '2.4 s' below a minute, '3 min 5 s' above."""
    if seconds < 1.0:
        return f"{max(1, round(seconds * 1000))} ms"
    if seconds < 60.0:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"
