"""QA: choosing a built-in style after one of your own goes back to the base model in Settings.
An adapted style's file holds the base model as it was when the style was learned (its other
styles are written by those weights); before, picking "folk" after "reels" kept using that copy,
so a model chosen in Settings since (or an updated shipped model) was silently not used. Real
window and model process (pytest-qt), real files the test writes (small untrained models)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import adapted_style, random_checkpoint  # noqa: E402


def test_a_built_in_style_after_your_own_loads_the_base_model_again(qtbot, tmp_path, monkeypatch):
    from composer.ui.main_window import MainWindow
    from composer.ui.settings import AppSettings

    styles = tmp_path / "styles"
    monkeypatch.setenv("COMPOSER_STYLES", str(styles))
    base = random_checkpoint(tmp_path / "base.safetensors")
    reels = adapted_style(base, styles / "reels.safetensors", "reels")
    settings = AppSettings()
    settings.checkpoint = str(base)
    settings.set_generation({**settings.generation(), "style": "neutral"})
    window = MainWindow(start_audio=False)
    qtbot.addWidget(window)
    cowriter = window.cowriter
    qtbot.waitUntil(lambda: cowriter.state == "ready", timeout=120000)
    assert cowriter.model_path == str(base)

    box = window.cowriter_panel.style_box

    def choose(style: str) -> None:
        index = box.findData(style)
        assert index >= 0, style
        box.setCurrentIndex(index)
        box.activated.emit(index)

    choose("reels")
    qtbot.waitUntil(lambda: cowriter.state == "ready" and cowriter.model_path == str(reels), timeout=120000)
    choose("folk")  # a built-in style: the base model's, not the copy inside reels.safetensors
    qtbot.waitUntil(lambda: cowriter.state == "ready" and cowriter.model_path == str(base), timeout=120000)
    assert box.findData("reels") >= 0  # still offered
    choose("neutral")  # the base is loaded already: nothing to do
    assert cowriter.state == "ready" and cowriter.model_path == str(base)
    window.document.undo_stack.setClean()
    window.close()
