"""The Groove MIDI Dataset as a corpus source: drum grooves and fills with style, tempo, meter and split.

Layout (groove-v1.0.0-midionly, Gillick et al., "Learning to Groove with Inverse Sequence
Transformations", ICML 2019; CC BY 4.0): `info.csv` at the root with columns drummer, session,
id, style ("funk/groove1"), bpm, beat_type (beat|fill), time_signature ("4-4"), midi_filename
(relative to the root), duration (s) and split (train|validation|test); the MIDI files under
drummerN/sessionM/. One piece per MIDI file; its split is the data set's own.

The kit is a Roland TD-11: notes 22 and 26 are hi-hat edge hits outside General MIDI and become
the GM closed (42) and open (46) hi-hat; every part is a drum voice.
"""

from __future__ import annotations

import csv
from pathlib import Path

from composer.data.sources import SourceFile
from composer.data.split import SPLITS
from composer.data.styles import STYLE_BY_NAME, style_name_from_folder

INFO = "info.csv"
INFO_COLUMNS = {"style", "bpm", "time_signature", "midi_filename", "split"}
HIHAT_MAP = {22: 42, 26: 46}  # TD-11 hi-hat edge (closed, open) -> GM closed / open hi-hat
OTHER_STYLE = "groove_other"


def is_groove_folder(folder: Path) -> bool:
    """Whether a folder has Groove's layout: info.csv with its columns at the root."""
    info = folder / INFO
    if not info.is_file():
        return False
    try:
        with open(info, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError):
        return False
    return INFO_COLUMNS <= set(header)


def groove_style(info_style: str) -> str:
    """Groove's style column ("funk/groove1", "hiphop", "afrobeat/groove3") -> a corpus style name.

    Styles with 25 pieces or more in the data set have their own ("groove_funk"); the rare ones
    (reggae 20, gospel 19, afrobeat 13, dance 7, blues 4, ...) share groove_other, too few to learn alone.
    """
    name = "groove_" + style_name_from_folder(info_style.split("/")[0])
    return name if name in STYLE_BY_NAME else OTHER_STYLE


class GrooveSource:
    """The Groove MIDI Dataset at `folder` (the folder holding info.csv)."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def name(self) -> str:
        return "groove"

    def files(self) -> list[SourceFile]:
        root = self.folder.resolve()
        found = []
        with open(root / INFO, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                relpath = row["midi_filename"].strip()
                if not relpath or not (root / relpath).is_file():
                    continue  # a row whose file is not in this copy
                split = row["split"].strip()
                meta = (("bpm", row["bpm"].strip()), ("time_signature", row["time_signature"].strip()),
                        ("title", f"{row.get('id', relpath)} {row['style']} ({row.get('beat_type', '')})".strip()))
                found.append(SourceFile(self.name, root, relpath, groove_style(row["style"]), reader="groove",
                                        split=split if split in SPLITS else None, meta=meta))
        return found

    def describe(self) -> str:
        return str(self.folder.resolve())


def read_groove(path: Path, meta: dict[str, str]) -> list:
    """One Groove MIDI file -> [Score]: drum voices, hi-hats in GM, tempo and meter from info.csv.

    Raises ScoreFileError (from the MIDI reader) when the file cannot be read.
    """
    from composer.io.midi_file import read_midi
    from composer.music.score import TempoChange, TimeSignature

    score = read_midi(path)
    score.notes = [note.with_(pitch=HIHAT_MAP.get(note.pitch, note.pitch)) for note in score.notes]
    for voice in score.voices:
        voice.is_drum = True
    try:
        bpm = float(meta.get("bpm", ""))
        if 20 <= bpm <= 400:
            score.tempos = [TempoChange(0, bpm)]
    except ValueError:
        pass  # keep the file's own tempo
    numerator, _, denominator = meta.get("time_signature", "").partition("-")
    if numerator.isdigit() and denominator in ("2", "4", "8", "16"):
        score.time_signature = TimeSignature(int(numerator), int(denominator))
    score.title = meta.get("title") or score.title
    return [score]
