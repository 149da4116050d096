"""Finding a soundfont: the order of places, and errors that name the file and the fix."""

from __future__ import annotations

import pytest

from composer.audio import SoundEngine, SoundFontError, find_soundfont
from composer.audio.soundfont import ENV_VAR, system_font_patterns


@pytest.fixture
def places(tmp_path):
    """A fake project soundfonts/ folder and a fake system folder, each with a font file."""
    project, system = tmp_path / "project", tmp_path / "system"
    project.mkdir()
    system.mkdir()
    (project / "Project.sf2").write_bytes(b"x")
    (system / "System_GM.sf3").write_bytes(b"x")
    chosen, env = tmp_path / "Chosen.sf2", tmp_path / "Env.sf2"
    chosen.write_bytes(b"x")
    env.write_bytes(b"x")
    return {"project": project, "system": [str(system / "*.sf[23]")], "chosen": chosen, "env": env}


def find(places, setting=None, environ=None):
    return find_soundfont(setting, environ=environ or {}, project_dir=places["project"],
                          system_patterns=places["system"])


def test_discovery_order_setting_env_project_system(places):
    assert find(places, places["chosen"], {ENV_VAR: str(places["env"])}).source == "setting"
    choice = find(places, None, {ENV_VAR: str(places["env"])})
    assert (choice.source, choice.path) == ("environment", places["env"])
    assert find(places).path.name == "Project.sf2"
    (places["project"] / "Project.sf2").unlink()
    choice = find(places)
    assert (choice.source, choice.path.name) == ("system", "System_GM.sf3")


def test_a_missing_chosen_font_is_an_error_naming_it(places, tmp_path):
    gone = tmp_path / "gone.sf2"
    with pytest.raises(SoundFontError, match="gone.sf2.*settings"):
        find(places, gone)
    with pytest.raises(SoundFontError, match=f"gone.sf2.*{ENV_VAR}"):
        find(places, None, {ENV_VAR: str(gone)})


def test_no_font_anywhere_says_how_to_install_one(tmp_path):
    with pytest.raises(SoundFontError) as error:
        find_soundfont(environ={}, project_dir=tmp_path / "none", system_patterns=[])
    assert "apt install fluid-soundfont-gm" in str(error.value)
    assert "soundfonts/README.md" in str(error.value)


def test_system_places_cover_debian_homebrew_and_windows():
    unix = " ".join(system_font_patterns("linux"))
    assert "/usr/share/sounds/sf2/FluidR3_GM.sf2" in unix and "TimGM6mb.sf2" in unix
    assert "MuseScore_General" in unix and "/opt/homebrew/share" in unix
    assert "C:/soundfonts" in " ".join(system_font_patterns("win32"))


def test_this_machine_finds_the_installed_general_midi_font(soundfont):
    assert soundfont.suffix in (".sf2", ".sf3") and soundfont.stat().st_size > 1_000_000


def test_a_font_that_fails_to_load_is_named(tmp_path):
    broken = tmp_path / "Broken Font.sf2"
    broken.write_bytes(b"RIFF" + bytes(100))
    engine = SoundEngine(soundfont=broken, offline=True)  # degrades: no exception
    try:
        assert not engine.status.render and not engine.status.playback
        assert str(broken) in engine.status.problems[0]
        assert "could not load" in engine.status.summary()
        assert engine.note_on(0, 60) is False and engine.play() is False
    finally:
        engine.close()
    with pytest.raises(SoundFontError) as error:
        SoundEngine(soundfont=broken, offline=True, strict=True)
    assert error.value.path == broken
