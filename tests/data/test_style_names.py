"""Readable style names and their grouping (composer continue --list-styles, the window's combo)."""

from composer.data.styles import STYLE_NAMES, display_name, grouped_styles, style_group


def test_readable_names_for_builtin_user_and_neutral_styles():
    assert display_name("irish") == "Irish"
    assert display_name("bach_chorales") == "Bach chorales"
    assert display_name("jazz") == "Jazz (WJazzD)"
    assert display_name("groove_rock") == "Rock groove"
    assert display_name("groove_other") == "Other grooves"
    assert display_name("jazz_tunes") == "Jazz tunes"  # a user folder's style
    assert display_name(None) == display_name("neutral") == "Neutral"
    assert len({display_name(s) for s in STYLE_NAMES}) == len(STYLE_NAMES)


def test_styles_group_into_melodic_and_groove_keeping_their_order():
    groups = dict(grouped_styles(["irish", "groove_funk", "jazz", "my_beats", "groove_mine"]))
    assert groups == {"Melodic styles": ["irish", "jazz", "my_beats"], "Groove styles": ["groove_funk", "groove_mine"]}
    assert style_group("groove_latin") == "groove" and style_group("popular_song") == "melodic"
    assert list(dict(grouped_styles(["irish"]))) == ["Melodic styles"]


def test_list_styles_needs_no_file(capsys):
    """`composer accompany --list-styles` answers without a file, -o or --part (QA qa16: it asked
    for all three, so a new user looking for the style names could not get them)."""
    from composer.cli import main

    for command in ("continue", "fill", "accompany"):
        assert main([command, "--list-styles"]) == 0
        out = capsys.readouterr().out
        assert "groove_funk" in out and "jazz" in out
    assert main(["accompany", "--list-styles", "--model", "/nowhere/model.safetensors"]) == 2
    assert "model.safetensors" in capsys.readouterr().err
