"""OpenEWLD as a corpus source: public-domain lead sheets (compressed MusicXML with chord symbols).

Layout (Simonetta, "Enhanced Wikifonia Leadsheet Dataset", 2018; github.com/00sapo/OpenEWLD):
`OpenEWLD.db` (SQLite) at the root and the lead sheets at <authors>/<title>/<title>.mxl. The
database's works.path_leadsheet names each file as "dataset/<path>", and work_genres holds the
Discogs genre(s) of each work with a count of releases; the most frequent one decides the style.

Styles: popular_song, split off by genre where there are enough pieces (60 or more in the set):
Jazz (136) -> popular_song_jazz, Rock (95) -> popular_song_rock, Stage & Screen (66) ->
popular_song_stage; Pop (189) and the rest (folk, none, classical, ...) stay popular_song. The
files are read as any MusicXML (composer.io); their <harmony> elements become the chord track.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from composer.data.sources import SourceFile

DATABASE = "OpenEWLD.db"
STYLE = "popular_song"
GENRE_STYLES = {"Jazz": "popular_song_jazz", "Rock": "popular_song_rock", "Stage & Screen": "popular_song_stage"}
_PREFIX = "dataset/"


def is_openewld_folder(folder: Path) -> bool:
    return (folder / DATABASE).is_file()


def titles_by_path(database: Path) -> dict[str, str]:
    """{lead sheet path relative to the folder: the work's title} from OpenEWLD.db."""
    with _connect(database) as connection:
        rows = connection.execute("SELECT path_leadsheet, title FROM works").fetchall()
    return {path.removeprefix(_PREFIX): title for path, title in rows if title}


def _connect(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)  # read-only: never touch it


def genres_by_path(database: Path) -> dict[str, str]:
    """{lead sheet path relative to the folder: its most frequent Discogs genre} from OpenEWLD.db."""
    with _connect(database) as connection:
        rows = connection.execute(
            "SELECT w.path_leadsheet, g.genre, g.occurrences FROM works w JOIN work_genres g ON g.id = w.id").fetchall()
    best: dict[str, tuple[int, str]] = {}
    for path, genre, occurrences in rows:
        path = path.removeprefix(_PREFIX)
        if genre and (path not in best or (occurrences or 0) > best[path][0]):
            best[path] = (occurrences or 0, genre)
    return {path: genre for path, (_count, genre) in best.items()}


class OpenEwldSource:
    """The OpenEWLD lead sheets at `folder` (the folder holding OpenEWLD.db)."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def name(self) -> str:
        return "openewld"

    def files(self) -> list[SourceFile]:
        from composer.io import SCORE_SUFFIXES

        root = self.folder.resolve()
        try:
            genres, titles = genres_by_path(root / DATABASE), titles_by_path(root / DATABASE)
        except sqlite3.Error as error:
            raise FileNotFoundError(f"{root / DATABASE}: not a readable OpenEWLD database ({error})") from error
        found = []
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if path.is_file() and path.suffix.lower() in SCORE_SUFFIXES:
                relpath = relative.as_posix()
                # The title travels as index metadata (most lead sheets lack one); it also keys the
                # cache entry apart from a plain folder's (composer.data.build._file_hash).
                meta = (("title", titles[relpath]),) if relpath in titles else (("set", "openewld"),)
                found.append(SourceFile(self.name, root, relpath, GENRE_STYLES.get(genres.get(relpath, ""), STYLE),
                                        meta=meta))
        return found

    def describe(self) -> str:
        return str(self.folder.resolve())
