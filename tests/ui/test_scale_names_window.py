"""Scales in the window read as a musician writes them: the Key lock chooser listed
"harmonic_minor", "major_pentatonic", and the panel said "Detected: A:harmonic_minor" (QA
suggestions). The identifiers stay in the settings and project files, and on the command line
(--key A:harmonic_minor). Real window (pytest-qt, offscreen), no model process."""

from __future__ import annotations

from composer.music.scales import Key
from composer.music.score import Note, Score


def test_the_key_lock_chooser_lists_scales_by_their_names(window):
    panel = window.cowriter_panel
    shown = [panel.scale.itemText(i) for i in range(panel.scale.count())]
    assert "harmonic minor" in shown and "major pentatonic" in shown and "blues" in shown
    assert not any("_" in text for text in shown), shown
    panel.key_mode.setCurrentIndex(panel.key_mode.findData("choose"))
    panel.tonic.setCurrentIndex(4)
    panel.scale.setCurrentIndex(panel.scale.findText("minor pentatonic"))
    assert panel.settings()["key"] == "E:minor_pentatonic"  # saved as the identifier
    panel.apply_settings({"key": "A:harmonic_minor"})
    assert panel.scale.currentText() == "harmonic minor" and panel.chosen_key() == Key(9, "harmonic_minor")


def test_messages_name_the_key_as_a_musician_writes_it(qtbot, window):
    panel = window.cowriter_panel
    panel.key_mode.setCurrentIndex(panel.key_mode.findData("choose"))
    panel.choose_key(Key(4, "blues"))
    said: list[str] = []
    window.status.messageChanged.connect(lambda text: said.append(text) if text else None)
    window.files.new()  # a chosen lock belongs to its piece: the window says which it was
    assert any("(it was E blues)" in text for text in said), said
    # the Detect line: A harmonic minor, not A:harmonic_minor
    window.document.load(Score(notes=[Note(p, i * 480, 480) for i, p in enumerate((57, 59, 60, 62, 64, 65, 68, 69))]))
    qtbot.waitUntil(lambda: "(no seed" not in panel.detected_key.text(), timeout=2000)
    key = panel.detected_key.text().removeprefix("Detected: ")
    assert key == "A harmonic minor", key
