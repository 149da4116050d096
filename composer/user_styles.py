"""Where adapted styles (`composer adapt`) live, and which there are. No torch: the window uses it.

Each adapted style is a full checkpoint `<styles_dir()>/<name>.safetensors` (the base model's
styles, written by the base weights, plus the new one with weights of its own; safetensors + JSON
header, see composer.model.checkpoint) with a Markdown model card `<name>.md` beside it. A style is recognised by the header's "adapt" record, read
without loading any tensor.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

_MAX_HEADER = 16 * 1024 * 1024
# A style name becomes a file name (NAME.safetensors, NAME.md): well under the usual 255-byte limit.
MAX_STYLE_NAME = 64


def style_id(name: str) -> str:
    """A style name as typed -> its stored id ([a-z0-9_], at most MAX_STYLE_NAME characters; it
    names the files): 'My Jigs' -> 'my_jigs', accents folded ('Café Tunes' -> 'cafe_tunes').
    Raises ValueError saying why when nothing usable is left, or when letters would be dropped
    (other scripts: '中国 2' became '2', 'Ölfolk' 'lfolk', without a word)."""
    import unicodedata

    from composer.data.styles import style_name_from_folder

    folded = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    dropped = "".join(c for c in folded if c.isalnum() and not c.isascii())
    if dropped:
        raise ValueError(f"{name!r}: a style name is written in Latin letters and digits ({dropped[:8]!r} "
                         "cannot be kept), e.g. 'han_folk'")
    if not any(c.isascii() and c.isalnum() for c in folded):
        raise ValueError(f"{name!r} is not a usable style name: use letters or digits, e.g. 'my_jigs'")
    slug = style_name_from_folder(folded.strip())
    if len(slug) > MAX_STYLE_NAME:  # a longer one failed to save, after the training
        raise ValueError(f"the style name is {len(slug)} characters long; use at most {MAX_STYLE_NAME}")
    return slug


def styles_dir() -> Path:
    """$COMPOSER_STYLES, else ${XDG_DATA_HOME:-~/.local/share}/composer/styles."""
    if os.environ.get("COMPOSER_STYLES"):
        return Path(os.environ["COMPOSER_STYLES"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "composer" / "styles"


def adapt_record(path: str | Path) -> dict | None:
    """The "adapt" record of an adapted checkpoint's header (style, folder, figures, ...), or None
    when the file is not one (or cannot be read)."""
    return _read_record(path)[0]


def _read_record(path: str | Path) -> tuple[dict | None, str]:
    """(adapt record, "") or (None, why the file is not a usable adapted style)."""
    try:
        with open(path, "rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                return None, "it is empty or cut short"
            (length,) = struct.unpack("<Q", prefix)
            if length > _MAX_HEADER:
                return None, "it is not a checkpoint (no safetensors header)"
            header = json.loads(handle.read(length))
    except OSError as error:
        return None, f"it cannot be read ({error.strerror or error})"
    except ValueError:
        return None, "it is damaged or not a checkpoint (its header cannot be read)"
    try:
        config = json.loads(header["__metadata__"]["composer"])
        record = config.get("adapt")
        if isinstance(record, dict) and record.get("style") in config.get("styles", []):
            return record, ""
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, "it is not a Composer checkpoint"
    return None, "it is not a style learned with composer adapt"


def unusable_styles(folder: str | Path | None = None) -> dict[Path, str]:
    """{file: why} for the *.safetensors files of `folder` (default styles_dir()) that are not
    usable adapted styles (damaged, cut short, another kind of file); user_styles leaves them out."""
    folder = Path(folder) if folder is not None else styles_dir()
    found = {}
    for path in sorted(folder.glob("*.safetensors")) if folder.is_dir() else []:
        record, why = _read_record(path)
        if record is None:
            found[path] = why
    return found


def user_styles(folder: str | Path | None = None) -> dict[str, Path]:
    """{style name: checkpoint} of the adapted styles in `folder` (default styles_dir()); other
    files there are ignored, so whatever lies in the folder, the app starts."""
    folder = Path(folder) if folder is not None else styles_dir()
    found = {}
    for path in sorted(folder.glob("*.safetensors")) if folder.is_dir() else []:
        record = adapt_record(path)
        if record is not None:
            found[record["style"]] = path
    return found
