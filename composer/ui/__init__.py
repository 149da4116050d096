"""The composer window (PySide6 only here). The UI calls services (composer.io, composer.audio,
composer.generate); services never import Qt. Editing logic that needs no Qt lives in note_store
and edit_ops so it can be tested without widgets."""

from composer.ui.qt_compat import guard_none_refcount

guard_none_refcount()
