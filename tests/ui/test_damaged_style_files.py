"""QA: a damaged file in the styles folder (composer adapt's styles) is reported, and the app goes
on with the base model. Before, a style whose file was cut short inside its header, or any file
there that was not a style, vanished from the style list without a word, and a remembered style
in such a file fell back to neutral saying it was "saved with this project". Real window and
model process (pytest-qt), real files the test writes (a small untrained model)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import adapted_style, random_checkpoint  # noqa: E402


def test_damaged_style_files_are_reported_and_the_base_model_is_used(qtbot, tmp_path, monkeypatch):
    from composer.ui.main_window import MainWindow
    from composer.ui.settings import AppSettings
    from composer.user_styles import unusable_styles, user_styles

    styles = tmp_path / "styles"
    monkeypatch.setenv("COMPOSER_STYLES", str(styles))
    base = random_checkpoint(tmp_path / "base.safetensors")
    good, cut = styles / "reels.safetensors", styles / "jigs.safetensors"
    for path, name in ((good, "reels"), (cut, "jigs")):
        adapted_style(base, path, name)
    cut.write_bytes(cut.read_bytes()[:2000])  # cut short inside its header (a copy that did not finish)
    (styles / "notes.safetensors").write_text("not a checkpoint at all")
    assert set(user_styles()) == {"reels"}
    assert set(unusable_styles()) == {cut, styles / "notes.safetensors"}

    settings = AppSettings()
    settings.checkpoint = str(base)
    settings.set_generation({**settings.generation(), "style": "jigs"})  # chosen before the file broke
    window = MainWindow(start_audio=False)
    qtbot.addWidget(window)
    errors = []
    window.cowriter.failed.connect(errors.append)
    qtbot.waitUntil(lambda: window.cowriter.state == "ready" and bool(errors), timeout=120000)
    assert window.cowriter.model_path == str(base)
    assert "jigs.safetensors: it is damaged" in errors[0] and "notes.safetensors: it is not a checkpoint" in errors[0]
    assert window.last_error == errors[0]  # shown in a message box, not a traceback
    box = window.cowriter_panel.style_box
    assert box.findData("reels") >= 0 and box.findData("jigs") < 0 and box.currentData() == "neutral"
    assert "saved with this project" not in window.status.currentMessage()
    window.cowriter.refresh_user_styles()  # looking again (a style was learned) does not repeat it
    assert len(errors) == 1
    window.document.undo_stack.setClean()
    window.close()
