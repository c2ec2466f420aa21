"""The command line: a thin shell over the engine API.

Exit codes: 0 success; 1 a scenario check failed; 2 bad input (one line per problem on standard
error, no traceback); 3 the rules engine itself failed (a defect, reported in one line).
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import Any, Callable

import click

from . import load, load_rulebase
from .authoring import authoring_findings, summary
from .describe import coverage, coverage_text, explain_rule, vocabulary_markdown
from .errors import EngineFailure, InputError, Issue, did_you_mean, one_line
from .evaluate import Advisor
from .paths import APP_SCRIPT, DEFAULT_SCENARIOS_DIR, STREAMLIT_CONFIG
from .inputs import check_folder, read_stream_text, read_text_file
from .render import RENDERERS
from .scenarios import read_scenarios, run_scenario
from .yamlio import MAX_TEXT_CHARS, parse_yaml

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


def _say_lines(text: str) -> None:
    """Several lines on standard error as they are (an excerpt of the author's YAML, each line
    numbered, so none can pass for an error line of its own)."""
    for line in text.splitlines():
        try:
            sys.stderr.buffer.write((line + "\n").encode("utf-8", "backslashreplace"))
        except (OSError, ValueError):
            return
    try:
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


def _guarded(command: Callable[..., int | None], excerpts: bool = False) -> Callable[..., None]:
    """Turn our errors into one-line messages and exit codes; never a traceback. With excerpts
    (the authoring commands), each message is followed by the author's line of YAML and a caret."""

    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs) or 0
        except InputError as exc:
            issues = exc.issues[:MAX_LINES_SHOWN]
            for i, line in enumerate(exc.lines(MAX_LINES_SHOWN)):
                _say(f"error: {line}")
                if excerpts and i < len(issues) and issues[i].excerpt:
                    _say_lines(issues[i].excerpt)
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


def _authoring(command: Callable[..., int | None]) -> Callable[..., None]:
    """_guarded, showing the author's YAML under each problem."""
    return _guarded(command, excerpts=True)


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
@click.option("--excerpts", is_flag=True,
              help="Show the line of YAML under each problem, with a caret (as `check` does).")
def validate(rules_dir: Path | None, excerpts: bool) -> None:
    """Check every rule, fact and action file; list every problem with file and line (one line each)."""
    _guarded(_validate, excerpts=excerpts)(rules_dir)


def _validate(rules_dir: Path | None) -> int:
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
@_authoring
def check(scenarios_dir: Path | None, rules_dir: Path | None) -> int:
    """Validate, run the authoring checks (each rule's examples, facts read, actions used, public
    ids kept, safety first) and every scenario; each problem is one line with file:line."""
    advisor = load(rules_dir)
    for warning in advisor.rulebase.warnings:  # worth a look, not a reason to refuse the rules
        out(f"warning: {one_line(str(warning))}")
        if warning.excerpt:
            out(warning.excerpt)
    findings = authoring_findings(advisor)
    for finding in findings:
        out(f"problem: {finding}")
    results = _run_all(advisor, scenarios_dir)
    failed = [r for r in results if not r.passed]
    for result in failed:
        for problem in result.problems:
            out(f"problem: {result.scenario.path}: scenario {result.scenario.id}: {problem}")
    rb = advisor.rulebase
    warned = f"; {len(rb.warnings)} warning(s)" if rb.warnings else ""
    out(f"check: {len(rb.rules)} rules valid{warned}; {summary(findings)}; "
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


def streamlit_flags(config: Path) -> list[str]:
    """The app's settings file as Streamlit command-line flags ('--server.address', '127.0.0.1', ...):
    Streamlit reads .streamlit/config.toml only from the folder it starts in."""
    try:
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Issue("the app's settings file is missing", file=str(config))) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Issue(f"malformed settings: {exc}", file=str(config))) from None
    flags = []
    for section, options in settings.items():
        for name, value in (options.items() if isinstance(options, dict) else ()):
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{name}", text]
    return flags


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (this computer only unless you choose otherwise).")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@_guarded
def app(host: str, port: int) -> int:
    """Start the app (Streamlit) at http://HOST:PORT, with its privacy settings, from any folder."""
    if importlib.util.find_spec("streamlit") is None:
        raise InputError(Issue("Streamlit is not installed: pip install streamlit (or make setup)"))
    # Streamlit takes itself for a development copy when it is not under a folder named
    # site-packages (pip install --target, a vendored copy) and then refuses --server.port.
    command = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), *streamlit_flags(STREAMLIT_CONFIG),
               "--global.developmentMode", "false", "--server.address", host, "--server.port", str(port)]
    sys.stdout.flush()
    os.execv(sys.executable, command)  # the app replaces this process: signals reach it directly
    return 0  # not reached


def main() -> None:
    cli(prog_name="nacm-ethics")


if __name__ == "__main__":
    main()
