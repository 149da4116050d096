"""Finding a General MIDI soundfont that just works.

Order: the user's setting -> $COMPOSER_SOUNDFONT -> soundfonts/ in the project -> the system's GM
fonts (Debian/Ubuntu, Fedora/Arch, Homebrew, Windows common places). A font the user named
explicitly (setting or environment) must exist: silently playing another font would hide their
mistake, so that is an error naming the file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from composer.audio.errors import SoundFontError

ENV_VAR = "COMPOSER_SOUNDFONT"
FONT_SUFFIXES = (".sf2", ".sf3")
PROJECT_DIR = Path(__file__).resolve().parents[2] / "soundfonts"

INSTALL_HINT = (
    "install one: sudo apt install fluid-soundfont-gm (Debian/Ubuntu), "
    "or download a free GM font (see soundfonts/README.md) and put it in soundfonts/, "
    f"set ${ENV_VAR}, or choose it in the settings"
)

# Best first: a full GM font that sounds good, then smaller ones. Globs are allowed.
_UNIX_FONTS = [
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",  # Debian/Ubuntu fluid-soundfont-gm
    "/usr/share/sounds/sf3/MuseScore_General*.sf3",  # musescore-general-soundfont(-small)
    "/usr/share/sounds/sf2/MuseScore_General*.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",  # Debian alternatives link
    "/usr/share/sounds/sf3/default-GM.sf3",
    "/usr/share/sounds/sf2/TimGM6mb.sf2",  # timgm6mb-soundfont
    "/usr/share/sounds/sf2/*.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",  # Fedora, Arch (soundfont-fluid)
    "/usr/share/soundfonts/default.sf2",  # FluidSynth's own compiled-in default
    "/usr/share/soundfonts/*.sf[23]",
    "/usr/local/share/soundfonts/*.sf[23]",
    "/opt/homebrew/share/soundfonts/*.sf[23]",  # Homebrew (Apple silicon)
    "/opt/homebrew/share/fluid-synth/*.sf[23]",
    "/usr/local/share/fluid-synth/*.sf[23]",  # Homebrew (Intel)
    "~/.local/share/soundfonts/*.sf[23]",
    "~/Library/Audio/Sounds/Banks/*.sf[23]",  # macOS user sound banks
]
_WINDOWS_FONTS = [
    "~/soundfonts/*.sf[23]",
    "C:/soundfonts/*.sf[23]",
    "C:/ProgramData/soundfonts/*.sf[23]",
    "C:/tools/fluidsynth/*.sf[23]",
    "C:/Program Files/MuseScore 4/sound/*.sf[23]",
    "C:/Program Files/MuseScore 3/sound/*.sf[23]",
    "C:/Program Files (x86)/MuseScore 3/sound/*.sf[23]",
]


@dataclass(frozen=True, slots=True)
class SoundFontChoice:
    path: Path
    source: str  # "setting", "environment", "project", "system"


def system_font_patterns(platform: str = sys.platform) -> list[str]:
    return _WINDOWS_FONTS + _UNIX_FONTS if platform.startswith("win") else list(_UNIX_FONTS)


def _expand(pattern: str) -> list[Path]:
    path = Path(os.path.expanduser(pattern))
    if not any(ch in pattern for ch in "*?["):
        return [path] if path.is_file() else []
    anchor = Path(path.anchor) if path.is_absolute() else Path(".")
    relative = str(path.relative_to(anchor)) if path.is_absolute() else str(path)
    try:
        return sorted(p for p in anchor.glob(relative) if p.is_file())
    except OSError:
        return []


def _explicit(path: str | os.PathLike, source: str) -> SoundFontChoice:
    font = Path(os.path.expanduser(str(path)))
    if not font.is_file():
        what = "the soundfont set in the settings" if source == "setting" else f"${ENV_VAR}"
        raise SoundFontError(f"Soundfont not found: {font} ({what}) does not exist; "
                             f"choose another file or clear it to use a system font", font)
    return SoundFontChoice(font, source)


def find_soundfont(setting: str | os.PathLike | None = None, *,
                   environ: dict[str, str] | None = None,
                   project_dir: Path | None = None,
                   system_patterns: list[str] | None = None) -> SoundFontChoice:
    """The soundfont to use, or SoundFontError naming where it looked and how to install one."""
    environ = os.environ if environ is None else environ
    project_dir = PROJECT_DIR if project_dir is None else project_dir
    if setting:
        return _explicit(setting, "setting")
    if environ.get(ENV_VAR):
        return _explicit(environ[ENV_VAR], "environment")
    if project_dir.is_dir():
        fonts = sorted(p for p in project_dir.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
        if fonts:
            return SoundFontChoice(fonts[0], "project")
    patterns = system_font_patterns() if system_patterns is None else system_patterns
    for pattern in patterns:
        found = _expand(pattern)
        if found:
            return SoundFontChoice(found[0], "system")
    raise SoundFontError(
        f"No soundfont found (looked at the settings, ${ENV_VAR}, {project_dir}, and "
        f"{len(patterns)} system places such as /usr/share/sounds/sf2): {INSTALL_HINT}")
