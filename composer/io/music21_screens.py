"""Checks that keep hostile files away from music21's slow paths, before it parses them.

music21 builds each time signature beat by beat and partitions it, at a cost that grows with the
square of its beat count: fuzzing found a meter of 1000 beats costs 23-26 s in ABC (`M:1000/1`),
Humdrum (`*M1000/1`) and MusicXML (`<beats>1000</beats>`) alike. No real piece comes near:
the largest meters in music21's corpus are 12/8 (ABC) and 9 beats (Humdrum).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

MAX_METER_BEATS = 64  # summed over additive meters such as 2+3+2/8
MAX_MXL_UNPACKED_BYTES = 128 * 2**20  # a zip bomb must not be unpacked into memory

# Liberal on purpose: music21 reads `M:[1000/1` and `M:x1000/1` as 1000 beats, and an ABC M:
# field in mid-line too; every run of digits before the slash counts.
METER_PATTERNS = {
    "abc": re.compile(r"M:([^/\n]*)/"),
    "humdrum": re.compile(r"\*M([^/\t\n]*)/"),
    "musicxml": re.compile(r"<beats>([^<]*)</beats>"),
}


def oversized_meter(text: str, notation: str) -> str | None:
    """Why the text's meters are too big for music21, or None."""
    for match in METER_PATTERNS[notation].finditer(text):
        beats = sum(int(digits[:12]) for digits in re.findall(r"\d+", match.group(1)))
        if beats > MAX_METER_BEATS:
            return f"a meter of {beats} beats (at most {MAX_METER_BEATS} are read)"
    return None


def mxl_problem(path: Path) -> str | None:
    """Why a compressed MusicXML archive must not be parsed (not a zip, a zip bomb, a hostile
    meter inside), or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            if unpacked > MAX_MXL_UNPACKED_BYTES:
                return (f"it unpacks to {unpacked / 2**20:.0f} MB; Composer reads MusicXML up to "
                        f"{MAX_MXL_UNPACKED_BYTES // 2**20} MB")
            for info in members:
                if info.filename.lower().endswith((".xml", ".musicxml")) and not info.filename.startswith("META-INF"):
                    problem = oversized_meter(archive.read(info).decode("utf-8", errors="replace"), "musicxml")
                    if problem:
                        return problem
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as error:  # RuntimeError: an encrypted member
        return f"not a compressed MusicXML file: it is not a readable zip archive ({error})"
    return None
