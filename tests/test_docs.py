"""Docs kept in step with code: every command is in the README, every data file is read."""

import re

import build
from build import ROOT


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in build.cli.commands:
        assert re.search(rf"build\.py {re.escape(name)}\b", readme), (
            f"README does not show `build.py {name}`"
        )


def test_readme_gives_the_two_commands_and_demo_accounts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from portal import demo

    assert "make run" in readme and "make test" in readme
    for username, *_ in demo.DEMO_ACCOUNTS:
        assert username in readme
    assert demo.DEMO_PASSWORD in readme
