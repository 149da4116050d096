"""Files <-> Score. Every reader raises ScoreFileError naming the file and the problem."""

from __future__ import annotations

import logging
from pathlib import Path

from composer.io.errors import ScoreFileError, require_regular_file

log = logging.getLogger(__name__)

MIDI_SUFFIXES = {".mid", ".midi"}
SCORE_SUFFIXES = MIDI_SUFFIXES | {".abc", ".xml", ".mxl", ".musicxml", ".krn"}


def read_scores(path: str | Path) -> list[Score]:
    """Every piece in a file: one for MIDI and MusicXML, possibly many for an ABC collection."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SCORE_SUFFIXES:
        raise ScoreFileError(path, f"unsupported file type {suffix or '(none)'}; Composer reads "
                             + ", ".join(sorted(SCORE_SUFFIXES)))
    require_regular_file(path, "score")
    if suffix in MIDI_SUFFIXES:
        from composer.io.midi_file import read_midi

        scores = [read_midi(path)]
    else:
        from composer.io.music21_reader import read_music21_scores

        scores = read_music21_scores(path)
    return [_within_limits(score, path) for score in scores]


def _within_limits(score: Score, path: Path) -> Score:
    """The reader's door of composer.music.limits: fit the score, and say what was changed."""
    from composer.music.limits import LimitError, fit_score

    try:
        changed = fit_score(score)
    except LimitError as error:
        raise ScoreFileError(path, str(error)) from None
    if changed:
        for problem in changed:
            log.warning("%s: %s", path, problem)
        score.problems = (*getattr(score, "problems", ()), *changed)
    return score


def read_score(path: str | Path) -> Score:
    """Read any supported file into one Score (the first piece of a multi-piece file, which says
    so in its problems: the others were left out without a word, QA)."""
    scores = read_scores(path)
    first = scores[0]
    if len(scores) > 1:
        named = f" ({first.title})" if getattr(first, "title", "") else ""
        problem = (f"the file holds {len(scores)} tunes; this is the first{named}: to work on another, "
                   "save it in a file of its own")
        log.warning("%s: %s", path, problem)
        first.problems = (*getattr(first, "problems", ()), problem)
    return first


def write_midi(score: Score, path: str | Path, **options) -> None:
    from composer.io.midi_file import write_midi as _write

    _write(score, path, **options)


from composer.music.score import Score  # noqa: E402  (after the functions, for the annotations)

__all__ = ["ScoreFileError", "read_score", "read_scores", "write_midi", "SCORE_SUFFIXES", "MIDI_SUFFIXES"]
