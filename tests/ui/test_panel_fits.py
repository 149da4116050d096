"""The co-writer panel fits its dock at the window's default size: no scroll bar, nothing cut
off (a longer legend once pushed it 12 px past the dock, so both scroll bars appeared)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QScrollArea  # noqa: E402

from composer.ui.main_window import MainWindow  # noqa: E402


def test_the_cowriter_panel_fits_its_dock_at_the_default_size(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPOSER_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    window = MainWindow(load_model=False, start_audio=False)
    window.show()
    qtbot.waitExposed(window)
    try:
        panel = window.cowriter_panel
        area = panel.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        assert area is not None, "the co-writer panel is not in a scroll area"
        qtbot.wait(50)
        needed = panel.minimumSizeHint().height()
        available = area.viewport().height()
        assert needed <= available, f"the panel needs {needed} px, the dock gives {available}"
        assert not area.verticalScrollBar().isVisible()
    finally:
        window.document.undo_stack.setClean()
        window.close()
