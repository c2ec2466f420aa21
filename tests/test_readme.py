"""README's commands name files and rules that exist, and its two commands are the real ones."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands_and_the_makefile_has_them():
    assert "make run" in README and "make test" in README
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: setup$", makefile, re.M) and re.search(r"^test: setup$", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_scenario_file_the_readme_names_exists():
    named = set(re.findall(r"scenarios/[a-z0-9-]+\.yaml", README))
    assert named
    assert all((ROOT / n).is_file() for n in named), named


def test_every_rule_the_readme_explains_exists(rulebase):
    ids = {r.id for r in rulebase.rules}
    named = re.findall(r"nacm-ethics explain ([a-z0-9_.]+)", README)
    assert named and all(n in ids for n in named), named


def test_the_screenshots_are_in_the_repository():
    named = re.findall(r"docs/(screenshot-[a-z-]+\.png)", README)
    assert {"screenshot-consult.png", "screenshot-consult-phone.png", "screenshot-report-phone.png"} <= set(named)
    for name in named:
        assert (ROOT / "docs" / name).stat().st_size > 10_000, name
