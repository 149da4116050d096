"""The composer window opened and closed the way the window tests need it (pytest-qt)."""

from __future__ import annotations


def open_window(qtbot, load_model: bool = False):
    """A shown MainWindow without sound; with load_model, its model process starts too."""
    from composer.ui.main_window import MainWindow

    w = MainWindow(load_model=load_model, start_audio=False)
    w.show()
    qtbot.waitExposed(w)
    return w


def close_window(w) -> None:
    """Close without a save prompt (the window saves the panel's settings as it closes)."""
    w.document.undo_stack.setClean()
    w.close()
    w.deleteLater()


def isolate_settings(config_dir, monkeypatch) -> None:
    """The window's settings (QSettings, COMPOSER_CONFIG_DIR) in `config_dir`, not the user's."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("COMPOSER_CONFIG_DIR", str(config_dir))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config_dir))


def ready_model_window(qtbot, timeout_ms: int = 60000):
    """A shown window whose model process is ready. Close it with close_window."""
    w = open_window(qtbot, load_model=True)
    qtbot.waitUntil(lambda: w.cowriter.state == "ready", timeout=timeout_ms)
    return w


def model_window_on(qtbot, score, timeout_ms: int = 90000):
    """A shown window with `score` loaded and its model process ready (the checkpoint the app
    would use), asking for one variation at a time. Close it with close_window."""
    import pytest

    from composer.generate import default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the model {default_model_path()} is missing")
    w = open_window(qtbot, load_model=True)
    w.document.load(score)
    qtbot.waitUntil(lambda: w.cowriter.state == "ready", timeout=timeout_ms)
    w.cowriter_panel.variation_count.setValue(1)
    return w


def click_and_wait(qtbot, window, button, timeout_ms: int) -> list:
    """Click a button that starts a co-writer request (a real mouse click); the variations it
    writes, once the model has answered (timeout_ms: a generous wait, not a speed check)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    panel = window.cowriter_panel
    old = panel.variations.variations
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.cowriter.busy, window.last_error
    qtbot.waitUntil(lambda: not window.cowriter.busy and panel.variations.variations is not old, timeout=timeout_ms)
    assert panel.variations.variations, window.last_error
    return panel.variations.variations


def box_button(box, text: str):
    """The button of a QMessageBox whose text (without its & shortcut mark) is `text`."""
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)
