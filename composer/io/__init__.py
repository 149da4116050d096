"""Files <-> Score. Every reader raises ScoreFileError naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

from composer.io.errors import ScoreFileError

MIDI_SUFFIXES = {".mid", ".midi"}
SCORE_SUFFIXES = MIDI_SUFFIXES | {".abc", ".xml", ".mxl", ".musicxml", ".krn"}


def read_scores(path: str | Path) -> list[Score]:
    """Every piece in a file: one for MIDI and MusicXML, possibly many for an ABC collection."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SCORE_SUFFIXES:
        raise ScoreFileError(path, f"unsupported file type {suffix or '(none)'}; Composer reads "
                             + ", ".join(sorted(SCORE_SUFFIXES)))
    if not path.is_file():
        raise ScoreFileError(path, "it is a folder, not a file" if path.is_dir() else "no such file")
    if suffix in MIDI_SUFFIXES:
        from composer.io.midi_file import read_midi

        return [read_midi(path)]
    from composer.io.music21_reader import read_music21_scores

    return read_music21_scores(path)


def read_score(path: str | Path) -> Score:
    """Read any supported file into one Score (the first piece of a multi-piece file)."""
    return read_scores(path)[0]


def write_midi(score: Score, path: str | Path, **options) -> None:
    from composer.io.midi_file import write_midi as _write

    _write(score, path, **options)


from composer.music.score import Score  # noqa: E402  (after the functions, for the annotations)

__all__ = ["ScoreFileError", "read_score", "read_scores", "write_midi", "SCORE_SUFFIXES", "MIDI_SUFFIXES"]
