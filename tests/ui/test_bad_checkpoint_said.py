"""A model checkpoint in Settings that cannot be used is said at start, naming the file and what to
do, not only in a tooltip.

Found by QA under Xvfb: with Settings' model checkpoint pointing at a damaged file, the window
opened with Continue, Fill and Add part greyed out, the style box "(no model)" and "No model" in
the status bar; nothing said which file or why until the pointer rested on that word. Real window
and model process (pytest-qt, offscreen), a damaged checkpoint the test writes."""

from __future__ import annotations

import json
import struct


def test_a_damaged_checkpoint_in_settings_is_said(qtbot, tmp_path):
    from composer.ui.main_window import MainWindow
    from composer.ui.settings import AppSettings

    bad = tmp_path / "my_model.safetensors"
    header = json.dumps({"__metadata__": {"composer": 7}}).encode()  # the config is not a JSON string
    bad.write_bytes(struct.pack("<Q", len(header)) + header)
    AppSettings().checkpoint = str(bad)
    window = MainWindow(start_audio=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.cowriter.state == "error", timeout=120000)
    qtbot.waitUntil(lambda: "my_model.safetensors" in window.last_error, timeout=2000)
    assert "Settings" in window.last_error  # what to do
    assert "Traceback" not in window.last_error
    assert "see tooltip" in window.status.model.text()
    assert not window.cowriter_panel.continue_button.isEnabled()
    window.document.undo_stack.setClean()
    window.close()
