"""Suite-wide isolation: tests never read or write the user's own settings, autosaves or caches."""

import os
import tempfile

# Set before Qt or Composer read them: QSettings (recent files, chosen model, MIDI input) and the
# autosave folder follow the XDG variables on Linux. A test that wrote the real ~/.config once made
# the next app start load a test's throw-away checkpoint.
_home = tempfile.mkdtemp(prefix="composer-tests-")
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ[name] = os.path.join(_home, name.lower())
os.environ.pop("COMPOSER_MODEL", None)


import sys  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Each test starts with empty Composer settings: one test's chosen checkpoint or MIDI port must
    not leak into the next (Qt caches the settings path, so changing the folder per test is not enough)."""
    yield
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QSettings

        settings = QSettings("Composer", "Composer")
        settings.clear()
        settings.sync()
