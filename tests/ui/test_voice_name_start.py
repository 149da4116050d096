"""A voice name longer than its box shows its beginning: an added "Counter-melody" read
"ter-melody" in the voicing panel (QA). Real widget (pytest-qt), checked on its pixels: the text
drawn starts at the box's left edge, as a name that fits does."""

from composer.ui.voicing_panel import VoiceName


def _first_ink_column(widget) -> int:
    """The leftmost column of dark text pixels inside the line edit (skipping its frame)."""
    image = widget.edit.grab().toImage()
    h = image.height()
    for x in range(3, image.width()):
        if any(image.pixelColor(x, y).lightness() < 110 for y in range(4, h - 4)):
            return x
    return image.width()


def test_a_long_name_shows_its_start(qtbot):
    short, long = VoiceName(0, "Bass"), VoiceName(1, "Counter-melody line")
    for widget in (short, long):
        qtbot.addWidget(widget)
        widget.edit.setFixedWidth(70)
        widget.show()
    qtbot.waitExposed(long)
    assert long.edit.cursorPosition() == 0
    assert abs(_first_ink_column(long) - _first_ink_column(short)) <= 2
    long.setText("Another long counter-melody")  # renamed from elsewhere (undo, a file)
    assert long.edit.cursorPosition() == 0 and abs(_first_ink_column(long) - _first_ink_column(short)) <= 2
