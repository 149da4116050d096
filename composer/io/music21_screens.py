"""Checks that keep hostile files away from music21's slow paths, before it parses them.

music21 builds each time signature beat by beat and partitions it, at a cost that grows with the
square of its beat count: fuzzing found a meter of 1000 beats costs 23-26 s in ABC (`M:1000/1`),
Humdrum (`*M1000/1`) and MusicXML (`<beats>1000</beats>`) alike. No real piece comes near:
the largest meters in music21's corpus are 12/8 (ABC) and 9 beats (Humdrum). Likewise a MusicXML
key signature: music21 works in time linear in `<fifths>` (99999999999 never returns); real keys
have at most 7 sharps or flats.

Two of music21's ABC steps only make notation and cost seconds on long tunes: beaming and
re-barring overfull measures, both quadratic in the tune's length (a 400-bar reel took 14 s,
800 bars over 40 s). Composer reads notes, so notes_only_parsing() leaves them out; neither
moves a note in time (reBar splits a measure in place; beams are drawing).
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

MAX_METER_BEATS = 64  # summed over additive meters such as 2+3+2/8
MAX_MXL_UNPACKED_BYTES = 128 * 2**20  # a zip bomb must not be unpacked into memory
MAX_KEY_FIFTHS = 30  # theoretical keys reach 14 sharps; 30 costs music21 nothing
_FIFTHS = re.compile(r"<fifths>([^<]*)</fifths>")

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


def oversized_key(text: str) -> str | None:
    """Why a MusicXML text's key signatures are too big for music21, or None."""
    for match in _FIFTHS.finditer(text):
        digits = re.sub(r"\s", "", match.group(1)).lstrip("+-")
        if digits.isdigit() and (len(digits) > 6 or int(digits) > MAX_KEY_FIFTHS):
            return (f"a key signature of {match.group(1).strip()[:20]} sharps or flats "
                    f"(at most {MAX_KEY_FIFTHS} are read)")
    return None


def musicxml_problem(text: str) -> str | None:
    """Why a MusicXML text must not be parsed (an absurd meter or key), or None."""
    return oversized_meter(text, "musicxml") or oversized_key(text)


_PARSE_LOCK = threading.Lock()


@contextmanager
def notes_only_parsing():
    """While active, music21's ABC import neither beams nor re-bars (see the module doc).
    music21 is patched only for the duration, under a lock, so one parse at a time does this
    (parsing holds the GIL anyway) and nothing else in the process sees the change."""
    from music21.abcFormat import translate
    from music21.stream import makeNotation

    with _PARSE_LOCK:
        beams, rebar = makeNotation.makeBeams, translate.reBar
        makeNotation.makeBeams = _unchanged_stream
        translate.reBar = _unchanged_stream
        try:
            yield
        finally:
            makeNotation.makeBeams, translate.reBar = beams, rebar


def _unchanged_stream(stream, *args, **options):
    return stream


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
                    problem = musicxml_problem(archive.read(info).decode("utf-8", errors="replace"))
                    if problem:
                        return problem
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as error:  # RuntimeError: an encrypted member
        return f"not a compressed MusicXML file: it is not a readable zip archive ({error})"
    return None
