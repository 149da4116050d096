"""Drag a clip out of the window as a .mid file: onto a DAW's track, a file manager, a desktop.

The drag carries a real file URL (text/uri-list), which is what DAWs and file managers accept
from any program; the file is written when the drag starts (composer.midi_out.clip, type 1 with
tempo and meter) in a temporary folder the drop target can still read afterwards.

- ClipDragButton (the editor's toolbar): drags the selection, or the current voice when nothing
  is selected; its menu drags the current voice or the whole score.
- VariationDragger: dragging a variation in the co-writer's list drags its new notes.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QApplication, QMenu, QToolButton, QWidget

from composer.midi_out.clip import write_clip
from composer.music.score import Note, Score

Clip = tuple[Score, list[Note], str]  # the score the notes belong to, the notes, a file name


def clip_mime(score: Score, notes: list[Note], name: str) -> QMimeData:
    """Mime data with the clip's file URL (ValueError when there are no notes)."""
    path = write_clip(score, notes, name)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


class _DragStart:
    """Press, then move beyond the platform's drag distance: a drag starts."""

    def __init__(self):
        self.pressed_at: QPoint | None = None

    def press(self, pos: QPoint) -> None:
        self.pressed_at = pos

    def moved_far(self, pos: QPoint) -> bool:
        return (self.pressed_at is not None
                and (pos - self.pressed_at).manhattanLength() >= QApplication.startDragDistance())


def start_drag(source: QWidget, clip: Clip | None, on_error: Callable[[str], None]) -> QDrag | None:
    """Write the clip and start dragging it from `source` (returns the drag; None when nothing
    could be dragged, and `on_error` says why)."""
    if clip is None or not clip[1]:
        on_error("Nothing to drag: select notes, or pick a voice that has notes")
        return None
    try:
        mime = clip_mime(*clip)
    except (ValueError, OSError) as error:  # ScoreFileError is an OSError
        on_error(f"The clip could not be written: {error}")
        return None
    drag = QDrag(source)
    drag.setMimeData(mime)
    source.last_drag = drag  # tests read what was dragged
    drag.exec(Qt.DropAction.CopyAction)
    return drag


class ClipDragButton(QToolButton):
    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.window = window
        self.last_drag: QDrag | None = None
        self._start = _DragStart()
        self.setText("⇲ Drag MIDI")
        self.setToolTip("Drag onto a DAW or a folder: the selected notes as a .mid file "
                        "(the current voice when nothing is selected). The menu has more.")
        menu = QMenu(self)
        menu.addAction("Drag the selection (or the current voice)").setData("auto")
        menu.addAction("Drag the current voice").setData("voice")
        menu.addAction("Drag the whole score").setData("score")
        menu.triggered.connect(lambda action: setattr(self, "mode", action.data()))
        self.setMenu(menu)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.mode = "auto"

    def clip(self, mode: str | None = None) -> Clip | None:
        w = self.window
        score = w.document.score()
        mode = mode or self.mode
        name = w.files.display_name().rsplit(".", 1)[0] if hasattr(w, "files") else "clip"
        if mode == "score":
            return score, list(score.notes), name
        selected = list(w.document.selected_notes().values())
        if mode == "auto" and selected:
            return score, selected, f"{name} selection"
        voice = w.voicing_panel.current_voice
        voice_name = score.voices[voice].name if voice < len(score.voices) else f"voice {voice + 1}"
        return score, [n for n in score.notes if n.voice == voice], f"{name} {voice_name}"

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._start.press(event.position().toPoint())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton and self._start.moved_far(event.position().toPoint()):
            self._start.pressed_at = None
            self.setDown(False)
            start_drag(self, self.clip(), self.window.show_status)
            return
        super().mouseMoveEvent(event)


class VariationDragger(QObject):
    """An event filter on the variations list: drag a variation out as its new notes."""

    def __init__(self, window, view):
        super().__init__(window)
        self.window = window
        self.view = view  # VariationsView
        self.last_drag: QDrag | None = None
        self._start = _DragStart()
        view.list.viewport().installEventFilter(self)

    def clip(self, row: int) -> Clip | None:
        if not 0 <= row < len(self.view.variations):
            return None
        variation = self.view.variations[row]
        notes = list(variation.added or [])
        return variation.score, notes, f"variation {variation.number}"

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._start.press(event.position().toPoint())
        elif (kind == QEvent.Type.MouseMove and event.buttons() & Qt.MouseButton.LeftButton
              and self._start.moved_far(event.position().toPoint())):
            item = self.view.list.itemAt(self._start.pressed_at)
            self._start.pressed_at = None
            if item is not None:
                self.last_drag = start_drag(self.view.list, self.clip(self.view.list.row(item)),
                                            self.window.show_status)
                return True
        return False
