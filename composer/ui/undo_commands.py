"""Undo commands. Every edit of the document goes through one of these on the QUndoStack, so
undo/redo covers drawing, moving, resizing, velocity, transposition, pasting, accepting a
continuation and the score settings (tempo, metre, voicing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from composer.music.score import Note

if TYPE_CHECKING:
    from composer.ui.document import ScoreDocument


class EditNotesCommand(QUndoCommand):
    """Remove some notes and put others (possibly the same ids with new values). Selection is
    restored on undo and set to the new notes on redo, as users expect after an edit."""

    def __init__(self, document: "ScoreDocument", text: str, before: dict[int, Note],
                 after: dict[int, Note], select_after: set[int] | None = None):
        super().__init__(text)
        self._doc = document
        self._before = dict(before)
        self._after = dict(after)
        self._selection_before = set(document.selection)
        self._selection_after = set(after) if select_after is None else set(select_after)

    def redo(self) -> None:
        self._doc.apply_notes(self._before.keys(), self._after)
        self._doc.set_selection(self._selection_after)

    def undo(self) -> None:
        self._doc.apply_notes(self._after.keys(), self._before)
        self._doc.set_selection(self._selection_before)


class SetScoreFieldCommand(QUndoCommand):
    """Change one Score attribute (tempos, time_signature, voices, key, title). Consecutive
    changes of the same field with the same text (a slider being dragged) merge into one undo step."""

    MERGE_ID = 4242

    def __init__(self, document: "ScoreDocument", text: str, name: str, value: Any, merge: bool = True):
        super().__init__(text)
        self._doc = document
        self._name = name
        self._old = document.field(name)
        self._new = value
        self._merge = merge

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.MERGE_ID if self._merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if (not isinstance(other, SetScoreFieldCommand) or other._name != self._name or not other._merge
                or other.text() != self.text()):
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._doc.set_field(self._name, self._new)

    def undo(self) -> None:
        self._doc.set_field(self._name, self._old)
