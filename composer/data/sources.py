"""Where corpus files come from: music21's bundled corpus, a data set in a known layout
(Groove MIDI, WJazzD, OpenEWLD: see their modules), or a folder of the user's files.

A source lists SourceFiles; each knows its style and a stable name. A piece's id is
"<source name>:<path relative to the source root>#<index of the piece in the file>", e.g.
"music21:essenFolksong/han1.abc#12" or "my_tunes:reels/kesh.abc#0", so ids survive moving the
folder and adding files.

User folders: every file with a suffix composer.io reads (MIDI, ABC, MusicXML, Humdrum), found
recursively; the style is the name of the first-level sub-folder the file lies in, and files at
the top level take the style named after the folder itself (a folder of loose files usually
says what they are: ~/music/jazz). Hidden files and folders are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from composer.data.styles import style_name_from_folder, style_of_corpus_path

DEFAULT_SOURCE = "default"
MUSIC21_SOURCE_NAME = "music21"


@dataclass(frozen=True, slots=True)
class SourceFile:
    source: str  # the source's name: "music21" or the user folder's name
    root: Path
    relpath: str  # posix, relative to root
    style: str
    reader: str = "score"  # how to read it: composer.data.parse.READERS
    split: str | None = None  # the data set's own split, or None: the content hash decides
    extra: tuple[str, ...] = ()  # further files (relative to root) the reader needs, e.g. a beat grid
    meta: tuple[tuple[str, str], ...] = ()  # facts from the data set's index for the reader (bpm, meter)

    @property
    def path(self) -> Path:
        return self.root / self.relpath

    @property
    def key(self) -> str:
        """Stable name of the file, the prefix of its pieces' ids."""
        return f"{self.source}:{self.relpath}"


@dataclass(frozen=True, slots=True)
class Music21CorpusSource:
    """The corpus that ships inside music21, mapped to styles by composer.data.styles."""

    name: str = MUSIC21_SOURCE_NAME
    only: tuple[str, ...] = ()  # fnmatch patterns of corpus paths: a subset (tests, quick trials)

    @staticmethod
    def root() -> Path:
        import music21

        return Path(music21.__file__).parent / "corpus"

    def files(self) -> list[SourceFile]:
        root = self.root()
        found = []
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            relpath = path.relative_to(root).as_posix()
            style = style_of_corpus_path(relpath)
            if style is not None and (not self.only or any(fnmatchcase(relpath, p) for p in self.only)):
                found.append(SourceFile(self.name, root, relpath, style.name))
        return found

    def describe(self) -> str:
        return DEFAULT_SOURCE


@dataclass(frozen=True, slots=True)
class FolderSource:
    """A folder of the user's files; first-level sub-folders name the styles."""

    folder: Path

    @property
    def name(self) -> str:
        return style_name_from_folder(self.folder.resolve().name)

    def files(self) -> list[SourceFile]:
        from composer.io import SCORE_SUFFIXES

        root = self.folder.resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"{self.folder}: no such folder (give a folder of MIDI/ABC/MusicXML/krn files)")
        found = []
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if not path.is_file() or path.suffix.lower() not in SCORE_SUFFIXES:
                continue
            style = style_name_from_folder(relative.parts[0]) if len(relative.parts) > 1 else self.name
            found.append(SourceFile(self.name, root, relative.as_posix(), style))
        return found

    def describe(self) -> str:
        return str(self.folder.resolve())


Source = Music21CorpusSource | FolderSource  # or a data set's source (composer.data.groove, wjazzd, openewld)


def source_from_spec(spec: str | Path) -> Source:
    """'default' -> the music21 corpus; a folder in a known data set's layout -> that data set's
    source (Groove MIDI, WJazzD CSV, OpenEWLD); any other folder -> a folder of score files."""
    from composer.data.groove import GrooveSource, is_groove_folder
    from composer.data.openewld import OpenEwldSource, is_openewld_folder
    from composer.data.wjazzd import WjazzdSource, is_wjazzd_folder

    if str(spec) == DEFAULT_SOURCE:
        return Music21CorpusSource()
    folder = Path(spec).expanduser()
    for is_layout, source in ((is_groove_folder, GrooveSource), (is_wjazzd_folder, WjazzdSource),
                              (is_openewld_folder, OpenEwldSource)):
        if folder.is_dir() and is_layout(folder):
            return source(folder)
    return FolderSource(folder)
