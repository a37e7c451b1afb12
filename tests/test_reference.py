"""docs/commands.md is generated from the commands' declarations and kept in step."""

from pathlib import Path

from stacki.framework.reference import reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"


def test_command_reference_is_current():
    assert DOC.read_text() == reference(), (
        "docs/commands.md is stale: run "
        "`.venv/bin/python -m stacki.framework.reference > docs/commands.md`")


def test_every_command_is_in_the_reference():
    from stacki.framework.command import registry

    text = DOC.read_text()
    for cls in registry().below(()):
        assert f"\n## {cls.path}\n" in text
