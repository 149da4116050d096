"""The co-writer's style combo box: readable names, neutral first, then melodic and groove styles
under their headings (composer.data.styles.grouped_styles); items carry the style id as data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from composer.data.styles import display_name, grouped_styles

NEUTRAL = "neutral"


def fill_style_box(box: QComboBox, styles: list[str], mine: set[str] | frozenset = frozenset()) -> None:
    """The styles in their order (a model lists "neutral" first); when there are melodic and
    groove styles both, each group under its heading (a disabled item with no data). `mine`:
    styles learned from the user's own music, marked "(your style)"."""
    box.clear()
    if NEUTRAL in styles:
        box.addItem(display_name(NEUTRAL), NEUTRAL)
    groups = grouped_styles([s for s in styles if s != NEUTRAL])
    for title, members in groups:
        if len(groups) > 1:
            if box.count():
                box.insertSeparator(box.count())
            box.addItem(title, None)
            model = box.model()
            if isinstance(model, QStandardItemModel):
                heading = model.item(box.count() - 1)
                heading.setFlags(heading.flags() & ~(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled))
        for style in members:
            label = display_name(style)
            box.addItem(f"{label} (your style)" if style in mine else label, style)
    if not box.count():
        box.addItem(display_name(NEUTRAL), NEUTRAL)


def styles_listed(box: QComboBox) -> bool:
    """Whether the box lists a model's styles (not the '(model loading…)' or '(no model)' placeholder)."""
    return any(box.itemData(i) is not None for i in range(box.count()))


def select_style(box: QComboBox, wanted: str | None) -> str | None:
    """Select `wanted` (a style id, None = neutral). A style the model does not know (an old or
    foreign project) falls back to neutral; returns the notice to show then, else None."""
    index = box.findData(wanted or NEUTRAL)
    if index >= 0:
        box.setCurrentIndex(index)
        return None
    box.setCurrentIndex(max(0, box.findData(NEUTRAL)))
    return (f"The style '{wanted}' saved with this project is not one this model knows; "
            f"using {display_name(NEUTRAL)} instead")
