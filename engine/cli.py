"""The command line: a thin shell over the engine API.

Exit codes: 0 success; 1 a scenario check failed; 2 bad input (one line per problem on standard
error, no traceback); 3 the rules engine itself failed (a defect, reported in one line).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import load, load_rulebase
from .authoring import authoring_findings, summary
from .describe import coverage, coverage_text, explain_rule, vocabulary_markdown
from .errors import EngineFailure, InputError, Issue, did_you_mean, one_line
from .evaluate import Advisor
from .inputs import check_folder, read_stream_text, read_text_file
from .render import RENDERERS
from .scenarios import read_scenarios, run_scenario
from .yamlio import MAX_TEXT_CHARS, parse_yaml

DEFAULT_SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
EXIT_SCENARIO_FAILED, EXIT_BAD_INPUT, EXIT_ENGINE_FAILURE = 1, 2, 3


MAX_LINES_SHOWN = 30  # problems listed before "... and N more": 400,000 of them help nobody


class OutputFailure(Exception):
    """The report could not be written (a full disk, a closed pipe): said on stderr, exit 2."""


def out(text: str, nl: bool = True) -> None:
    """Write to standard output as UTF-8 whatever the locale, and flush at once, so that a full
    disk or a closed pipe is found here (and said in one line) rather than at exit."""
    try:
        sys.stdout.buffer.write((text + ("\n" if nl else "")).encode("utf-8", "backslashreplace"))
        sys.stdout.flush()
    except OSError as exc:
        raise OutputFailure(exc.strerror or str(exc)) from None


def _say(line: str) -> None:
    """One line on standard error, as UTF-8; if even that cannot be written there is no one to tell."""
    try:
        sys.stderr.buffer.write((one_line(line) + "\n").encode("utf-8", "backslashreplace"))
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a failed write, what is still buffered would fail again at exit (and print Python's
    own complaint): point standard output at /dev/null, as the Python documentation advises."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn our errors into one-line messages and exit codes; never a traceback."""

    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs) or 0
        except InputError as exc:
            for line in exc.lines(MAX_LINES_SHOWN):
                _say(f"error: {line}")
            sys.exit(EXIT_BAD_INPUT)
        except OutputFailure as exc:
            _silence_stdout()
            _say(f"error: <stdout>: cannot write the output ({exc})")
            sys.exit(EXIT_BAD_INPUT)
        except EngineFailure as exc:
            _say(f"engine failure: {exc}")
            sys.exit(EXIT_ENGINE_FAILURE)
        sys.exit(code)

    run.__name__ = command.__name__
    run.__doc__ = command.__doc__
    return run


rules_option = click.option("--rules", "rules_dir", type=click.Path(path_type=Path, readable=False), default=None,
                            help="Rules folder (default: rules/ of this checkout).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Ethics decision support for case managers, built on the NACM Code of Ethics.

    It supports professional judgement; it does not replace your supervisor, your agency's
    policy or the law of your jurisdiction.
    """


def read_facts_input(path: str) -> tuple[Any, str, tuple]:
    """Facts from a scenario file (its facts: mapping), a YAML/JSON mapping, or '-' for stdin."""
    if path == "-":
        source = "<stdin>"
        text = read_stream_text(sys.stdin.buffer, source)
    else:
        source = path
        text = read_text_file(path, source)
    try:
        data = parse_yaml(text, source)
    except InputError as yaml_error:
        if len(text) > MAX_TEXT_CHARS or not text.lstrip().startswith(("{", "[")):
            raise
        try:  # JSON that YAML cannot read (tabs, for instance), read as strictly: no duplicate keys
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except (json.JSONDecodeError, RecursionError):
            raise yaml_error from None
        except _DuplicateKey as exc:
            raise InputError(Issue(str(exc), file=source)) from None
        except ValueError:  # an integer of thousands of digits
            raise InputError(Issue("a number is too long (thousands of digits)", file=source)) from None
    if isinstance(data, dict) and "facts" in data:
        others = [k for k in data if k != "facts"]
        if isinstance(data.get("facts"), (dict, type(None))) and (not others or _is_scenario(data)):
            return data["facts"], source, ("facts",)
        raise InputError(Issue("'facts' is mixed with other facts: give a scenario (with its facts: mapping) "
                               "or a mapping of facts, not both", file=source, field="facts"))
    if data is None:
        raise InputError(Issue("empty input: expected a mapping of facts or a scenario", file=source))
    return data, source, ()


SCENARIO_KEYS = {"id", "title", "topic", "level", "narrative", "expected", "control", "discussion_questions",
                 "facilitator_notes", "review", "comment", "sources"}


def _is_scenario(data: dict) -> bool:
    return all(k == "facts" or k in SCENARIO_KEYS for k in data)


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key '{key}' in the JSON: each fact may be given once")
        result[key] = value
    return result


@cli.command()
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True)
@click.option("--no-explore", is_flag=True, help="Skip 'what else to find out' (faster).")
@rules_option
@_guarded
def evaluate(file: str, fmt: str, no_explore: bool, rules_dir: Path | None) -> int:
    """Evaluate a scenario's facts and print the report (FILE: a scenario or a facts mapping; - for stdin)."""
    facts, source, location = read_facts_input(file)
    advisor = load(rules_dir)
    report = advisor.evaluate(facts, explore=not no_explore, source=source, location=location)
    out(RENDERERS[fmt](report, advisor.rulebase), nl=False)
    return 0


@cli.command()
@click.argument("rules_dir", required=False, type=click.Path(path_type=Path, readable=False))
@_guarded
def validate(rules_dir: Path | None) -> int:
    """Check every rule, fact and action file; list every problem with file and line."""
    advisor = load(rules_dir)  # compiling too: a rule base the engine cannot take is not valid
    rb = advisor.rulebase
    out(f"ok: {len(rb.rules)} rules, {len(rb.input_facts)} facts ({len(rb.derived_facts)} derived), "
               f"{len(rb.actions)} actions, {len(rb.code.commitments)} commitments; "
               f"version {rb.version}, sha256 {rb.sha256[:12]}")
    return 0


def _run_all(advisor: Advisor, scenarios_dir: Path | None):
    scenarios = read_scenarios(scenarios_dir or DEFAULT_SCENARIOS_DIR, advisor.rulebase)
    return [run_scenario(advisor, s) for s in scenarios]


@cli.command()
@click.argument("scenarios_dir", required=False, type=click.Path(path_type=Path, readable=False))
@rules_option
@_guarded
def scenarios(scenarios_dir: Path | None, rules_dir: Path | None) -> int:
    """Run every scenario against its expected answer."""
    results = _run_all(load(rules_dir), scenarios_dir)
    for result in results:
        status = "PASS" if result.passed else "FAIL"
        out(f"{status}  {result.scenario.id}  ({result.scenario.path})")
        for problem in result.problems:
            out(f"      {problem}")
    failed = sum(not r.passed for r in results)
    out(f"scenarios: {len(results) - failed} passed, {failed} failed")
    return EXIT_SCENARIO_FAILED if failed else 0


@cli.command()
@click.argument("scenarios_dir", required=False, type=click.Path(path_type=Path, readable=False))
@rules_option
@_guarded
def check(scenarios_dir: Path | None, rules_dir: Path | None) -> int:
    """Validate, run the authoring checks (each rule's examples, facts read, actions used, public
    ids kept, safety first) and every scenario; each problem is one line with file:line."""
    advisor = load(rules_dir)
    findings = authoring_findings(advisor)
    for finding in findings:
        out(f"problem: {finding}")
    results = _run_all(advisor, scenarios_dir)
    failed = [r for r in results if not r.passed]
    for result in failed:
        for problem in result.problems:
            out(f"problem: {result.scenario.path}: scenario {result.scenario.id}: {problem}")
    rb = advisor.rulebase
    out(f"check: {len(rb.rules)} rules valid; {summary(findings)}; "
               f"scenarios {len(results) - len(failed)} passed, {len(failed)} failed")
    return EXIT_SCENARIO_FAILED if findings or failed else 0


@cli.command()
@click.argument("rule_id")
@rules_option
@click.option("--scenarios", "scenarios_dir", type=click.Path(path_type=Path, readable=False), default=None,
              help="Scenarios folder, to list the scenarios that fire the rule.")
@_guarded
def explain(rule_id: str, rules_dir: Path | None, scenarios_dir: Path | None) -> int:
    """Explain one rule in plain words: what it needs, cites and recommends."""
    advisor = load(rules_dir)
    rb = advisor.rulebase
    ids = [r.id for r in rb.rules]
    if rule_id not in ids:
        raise InputError(Issue(f"unknown rule '{rule_id}'{did_you_mean(rule_id, ids)}"))
    fired_by: list[str] = []
    if scenarios_dir is not None:
        check_folder(scenarios_dir, "scenarios folder")  # a folder asked for must be there
    folder = scenarios_dir or DEFAULT_SCENARIOS_DIR
    if scenarios_dir is not None or folder.is_dir():
        fired_by = [r.scenario.id for r in _run_all(advisor, folder) if rule_id in r.report.fired_rules]
    out(explain_rule(rb, rb.rule(rule_id), fired_by), nl=False)
    return 0


@cli.command(name="coverage")
@rules_option
@click.option("--scenarios", "scenarios_dir", type=click.Path(path_type=Path, readable=False), default=None)
@click.option("--strict", is_flag=True, help="Exit 1 when a commitment or purpose is not reached or a rule never fires.")
@_guarded
def coverage_command(rules_dir: Path | None, scenarios_dir: Path | None, strict: bool) -> int:
    """Each commitment and purpose with the rules that cite it and the scenarios that reach it."""
    advisor = load(rules_dir)
    cov = coverage(advisor.rulebase, _run_all(advisor, scenarios_dir))
    out(coverage_text(cov), nl=False)
    if strict and (cov.empty_rows or cov.rules_never_fired):
        return EXIT_SCENARIO_FAILED
    return 0


@cli.command()
@rules_option
@_guarded
def vocabulary(rules_dir: Path | None) -> int:
    """Print the fact vocabulary and action catalogue as Markdown (docs/VOCABULARY.md)."""
    out(vocabulary_markdown(load_rulebase(rules_dir)), nl=False)
    return 0


def main() -> None:
    cli(prog_name="nacm-ethics")


if __name__ == "__main__":
    main()
