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
