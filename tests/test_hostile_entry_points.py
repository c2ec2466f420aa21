"""Hostile input at every entry point, each run as a real child process with its memory and CPU
time capped by the kernel (RLIMIT_AS, RLIMIT_CPU): one clear line naming the file (and line),
exit 2, never a traceback, and never a block or a blow-up.

Entry points: `evaluate` (a file and standard input), `validate`, `check`, `scenarios`, `explain`,
`coverage`, `vocabulary`, the Python API (`engine.load`, `Advisor.evaluate`) and the app's upload
(`ui.training.parse_uploaded`, the function the Train page calls with the uploaded bytes).
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from engine.inputs import MAX_INPUT_BYTES
from engine.yamlio import MAX_ITEMS
from tests.support.minirules import CHAIN_RULES, REAL_RULES, make_rules_dir

pytestmark = pytest.mark.slow  # a hundred child processes, about half a minute

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 200 * 2 ** 20  # address space of the child: the CLI needs under 50 MB resident
CPU_SECONDS = 2  # CPU time of the child: the kernel stops it past this (the slowest case takes about 0.6 s)
INTERNAL_NAMES = ("LineList", "LineDict", "NoneType", "instance of", "<class", "Doc,", "Doc ")
STRICT_C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                   "PYTHONIOENCODING": ""}


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.strip().splitlines()


def _limits(drop_read_override: bool):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
        if drop_read_override and os.geteuid() == 0:
            # As root every file is readable; drop the two capabilities that make it so
            # (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the bounding set before exec.
            libc = ctypes.CDLL(None, use_errno=True)
            for capability in (1, 2):
                if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    return apply


def run(args: list[str], stdin=None, env: dict | None = None, stdout=None, cwd: Path = ROOT,
        python: str | None = None, drop_read_override: bool = False) -> Outcome:
    """The command line (or `python -c` code) in a child with capped memory and CPU time."""
    command = [sys.executable, "-c", python] if python else [sys.executable, "-m", "engine", *args]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8", "PYTHONIOENC"))}
    child_env.update(env or {})
    child_env = {k: v for k, v in child_env.items() if v != ""}
    process = subprocess.Popen(command, cwd=cwd, env=child_env, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                               stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_limits(drop_read_override))
    try:
        out, err = process.communicate(timeout=120)  # generous: the CPU limit is the real bound
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"{args or python!r} blocked for two minutes (stderr: {err[-300:]!r})")
    return Outcome(process.returncode, (out or b"").decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def assert_one_clear_line(outcome: Outcome, *fragments: str) -> str:
    """Exit 2, exactly one line on stderr starting with 'error: ', every fragment in it, no
    traceback, no name of one of our classes."""
    assert outcome.code == 2, (outcome.code, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert len(outcome.lines) == 1, outcome.lines[:5]
    line = outcome.lines[0]
    assert line.startswith("error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert not any(name in line for name in INTERNAL_NAMES), line
    assert len(line) < 400, line
    return line


# --- files named as facts: `evaluate FILE` ------------------------------------------------------

def _fifo(tmp: Path) -> Path:
    path = tmp / "facts.yaml"
    os.mkfifo(path)
    return path


def _link_loop(tmp: Path) -> Path:
    path = tmp / "facts.yaml"
    path.symlink_to(tmp / "facts.yaml")
    return path


def _folder(tmp: Path) -> Path:
    path = tmp / "facts.yaml"
    path.mkdir()
    return path


def _binary(tmp: Path) -> Path:
    path = tmp / "facts.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    return path


def _latin1(tmp: Path) -> Path:
    path = tmp / "facts.yaml"
    path.write_bytes("imminent_danger: true\n# café au lait\n".encode("latin-1"))
    return path


def _hundred_megabytes(tmp: Path) -> Path:
    path = tmp / "facts.yaml"
    with open(path, "wb") as f:  # sparse: the size is what must be refused, before any reading
        f.truncate(100 * 2 ** 20)
    return path


def _keys_400k(tmp: Path) -> Path:
    path = tmp / "facts.json"
    path.write_text(json.dumps({f"k{i}": True for i in range(400_000)}), encoding="utf-8")
    return path


def _keys_under_the_size_limit(tmp: Path, style: str = "yaml") -> Path:
    """As many keys as fit under the size limit (about 150,000), in YAML's flow style or JSON."""
    path = tmp / f"facts.{style}"
    keys, size, parts = 0, 2, []
    while size < MAX_INPUT_BYTES - 20:
        part = f'"k{keys}": 1, ' if style == "json" else f"k{keys}: 1, "
        parts.append(part)
        size += len(part)
        keys += 1
    path.write_text("{" + "".join(parts).rstrip(", ") + "}", encoding="utf-8")
    return path


def _json_keys_under_the_size_limit(tmp: Path) -> Path:
    return _keys_under_the_size_limit(tmp, "json")


def _device(tmp: Path) -> Path:
    return Path("/dev/zero")


FILES = {
    "a named pipe (FIFO) does not block": (_fifo, "named pipe"),
    "a symbolic link that loops": (_link_loop, "symbolic link that loops"),
    "a folder where the file should be": (_folder, "is a folder, not a file"),
    "binary data": (_binary, "not UTF-8 text"),
    "Latin-1 text": (_latin1, "facts.yaml:2: not UTF-8 text"),
    "a 100 MB file is refused before it is read": (_hundred_megabytes, "too large: 104,857,600 bytes"),
    "a 400,000-key JSON file": (_keys_400k, "too large"),
    "150,000 keys under the size limit (YAML)": (_keys_under_the_size_limit, "more than 10,000 entries in one mapping"),
    "150,000 keys under the size limit (JSON)": (_json_keys_under_the_size_limit,
                                                 "facts given, but the vocabulary has only"),
    "a device such as /dev/zero": (_device, "is a device, not a regular file"),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_evaluate_refuses_a_hostile_file_in_one_line(tmp_path, case):
    make, fragment = FILES[case]
    path = make(tmp_path)
    assert_one_clear_line(run(["evaluate", str(path)]), str(path), fragment)


def test_evaluate_refuses_a_file_it_may_not_read(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("imminent_danger: true\n", encoding="utf-8")
    path.chmod(0)
    assert_one_clear_line(run(["evaluate", str(path)], drop_read_override=True), str(path), "permission denied")


def test_deep_nesting_of_5000_levels_in_yaml_and_json_is_refused_from_a_file_and_stdin(tmp_path):
    for name, text in [("deep.yaml", "suspected_abuse: " + "[" * 5000 + "]" * 5000 + "\n"),
                       ("deep.json", '{"suspected_abuse": ' + "[" * 5000 + "]" * 5000 + "}"),
                       ("deepmap.yaml", "{a: " * 5000 + "1" + "}" * 5000),
                       ("deepblock.yaml", "".join(" " * i + f"k{i}:\n" for i in range(45)) + " " * 45 + "x: 1\n")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert_one_clear_line(run(["evaluate", str(path)]), name, "nested more than 40 levels deep")
        with open(path, "rb") as stdin:
            assert_one_clear_line(run(["evaluate", "-"], stdin=stdin), "<stdin>", "nested more than 40 levels")


# --- standard input ---------------------------------------------------------------------------

def test_binary_standard_input_under_a_strict_c_locale_is_one_clear_line(tmp_path):
    path = tmp_path / "input"
    path.write_bytes(b"imminent_danger: true\n\xff\xfe\x00\x01binary")
    with open(path, "rb") as stdin:
        assert_one_clear_line(run(["evaluate", "-"], stdin=stdin, env=STRICT_C_LOCALE), "<stdin>:2: not UTF-8 text")


def test_a_binary_file_under_a_strict_c_locale_is_one_clear_line(tmp_path):
    path = _binary(tmp_path)
    assert_one_clear_line(run(["evaluate", str(path)], env=STRICT_C_LOCALE), str(path), "not UTF-8 text")
    assert_one_clear_line(run(["validate", str(_rules_with(tmp_path / "r", "zz.yaml",
                                                           lambda p: p.write_bytes(b"\xff\xfe"))[0])],
                              env=STRICT_C_LOCALE), "zz.yaml", "not UTF-8 text")


def test_a_good_report_prints_under_a_strict_c_locale(tmp_path):
    """The report has the Code's punctuation (’ – “ ”): written as UTF-8 whatever the locale."""
    path = tmp_path / "facts.yaml"
    path.write_text("suspected_abuse: true\nvictim_group: child\n", encoding="utf-8")
    outcome = run(["evaluate", str(path), "--no-explore"], env=STRICT_C_LOCALE)
    assert outcome.code == 0 and "–" in outcome.stdout, outcome.stderr


def test_a_non_utf8_file_name_under_a_strict_c_locale_is_named_without_a_traceback(tmp_path):
    name = os.fsdecode(b"caf\xe9.yaml")
    outcome = run(["evaluate", str(tmp_path / name)], env=STRICT_C_LOCALE)
    assert_one_clear_line(outcome, "caf", "file not found")


def test_standard_input_of_100_mb_is_refused_after_reading_only_the_limit(tmp_path):
    path = _hundred_megabytes(tmp_path)
    with open(path, "rb") as stdin:
        assert_one_clear_line(run(["evaluate", "-"], stdin=stdin), "<stdin>", "too large")


def test_standard_input_of_400000_keys_is_refused(tmp_path):
    with open(_keys_400k(tmp_path), "rb") as stdin:
        assert_one_clear_line(run(["evaluate", "-"], stdin=stdin), "<stdin>", "too large")
    with open(_json_keys_under_the_size_limit(tmp_path), "rb") as stdin:
        assert_one_clear_line(run(["evaluate", "-"], stdin=stdin), "<stdin>", "facts given")


# --- the output -------------------------------------------------------------------------------

def test_a_full_disk_on_standard_output_is_one_clear_line(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("suspected_abuse: true\nvictim_group: child\n", encoding="utf-8")
    for args in (["evaluate", str(path)], ["scenarios"], ["vocabulary"], ["validate"]):
        with open("/dev/full", "wb") as full:
            outcome = run(args, stdout=full)
        assert_one_clear_line(outcome, "<stdout>", "cannot write the output", "No space left on device")


# --- messages cannot be forged, and never name our classes ------------------------------------

def test_newlines_in_a_key_a_value_or_a_file_name_never_start_a_line(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"x\nerror: forged": True}), encoding="utf-8")
    assert_one_clear_line(run(["evaluate", str(facts)]), "x\\nerror: forged")
    facts.write_text(json.dumps({"victim_group": "child\rerror: forged\u2028error: forged"}), encoding="utf-8")
    line = assert_one_clear_line(run(["evaluate", str(facts)]))
    assert "\\rerror: forged" in line and "\\u2028" in line
    odd = tmp_path / "a\nerror: forged.yaml"
    assert_one_clear_line(run(["evaluate", str(odd)]), "a\\nerror: forged.yaml", "file not found")
    escape = tmp_path / "facts.yaml"
    escape.write_text('victim_group: "\\e[2J\\e[31mchild"\n', encoding="utf-8")
    line = assert_one_clear_line(run(["evaluate", str(escape)]))
    assert "\x1b" not in line and "\\x1b" in line


WRONG_SHAPES = {
    "a list instead of a mapping": "- suspected_abuse\n",
    "text instead of a mapping": "just some words\n",
    "a number": "42\n",
}


@pytest.mark.parametrize("case", sorted(WRONG_SHAPES))
def test_a_wrong_shape_is_said_in_words_not_class_names(tmp_path, case):
    path = tmp_path / "facts.yaml"
    path.write_text(WRONG_SHAPES[case], encoding="utf-8")
    assert_one_clear_line(run(["evaluate", str(path)]), "facts must be a mapping")


def test_a_rule_file_of_wrong_shapes_names_no_class(tmp_path):
    folder = make_rules_dir(tmp_path, CHAIN_RULES + textwrap.dedent("""\
          - id: x.y
            title: [1, 2]
            when: flag_a
            cites: [5, "text", [1]]
            actions: {a: 1}
        """))
    outcome = run(["validate", str(folder)])
    assert outcome.code == 2 and "Traceback" not in outcome.stderr
    assert outcome.lines and all(line.startswith("error: ") for line in outcome.lines)
    assert not any(name in outcome.stderr for name in INTERNAL_NAMES), outcome.stderr
    (folder / "test.yaml").write_text("- just a list\n", encoding="utf-8")
    outcome = run(["validate", str(folder)])
    assert outcome.code == 2 and "got a list" in outcome.stderr and "LineList" not in outcome.stderr


# --- the rules folder: validate, check, explain, coverage, vocabulary ------------------------

def _rules_copy(tmp: Path) -> Path:
    folder = tmp / "rules"
    shutil.copytree(REAL_RULES, folder, ignore=shutil.ignore_patterns("source"))
    return folder


def _rules_with(tmp: Path, name: str, make) -> tuple[Path, str]:
    folder = _rules_copy(tmp)
    target = folder / name
    if target.exists():
        target.unlink()
    make(target)
    return folder, name


RULE_FOLDERS = {
    "a named pipe among the rule files": (lambda p: os.mkfifo(p), "zz.yaml", "named pipe"),
    "a rule file that is a looping link": (lambda p: p.symlink_to(p), "zz.yaml", "symbolic link that loops"),
    "facts.yaml is a folder": (lambda p: p.mkdir(), "facts.yaml", "is a folder, not a file"),
    "a binary rule file": (lambda p: p.write_bytes(b"\x00\xff\xfe" * 100), "zz.yaml", "not UTF-8 text"),
    "a rule file of 100 MB": (lambda p: open(p, "wb").truncate(100 * 2 ** 20), "zz.yaml", "too large"),
    "a rule file nested 5,000 deep": (lambda p: p.write_text("rules: " + "[" * 5000 + "]" * 5000),
                                      "zz.yaml", "nested more than 40 levels deep"),
}


@pytest.mark.parametrize("command", ["validate", "check", "explain", "coverage", "vocabulary"])
@pytest.mark.parametrize("case", sorted(RULE_FOLDERS))
def test_every_command_refuses_a_hostile_rules_folder_in_one_line(tmp_path, case, command):
    make, name, fragment = RULE_FOLDERS[case]
    folder, name = _rules_with(tmp_path, name, make)
    args = {"validate": ["validate", str(folder)], "check": ["check", "--rules", str(folder)],
            "explain": ["explain", "abuse.child", "--rules", str(folder)],
            "coverage": ["coverage", "--rules", str(folder)], "vocabulary": ["vocabulary", "--rules", str(folder)]}
    assert_one_clear_line(run(args[command]), name, fragment)


def test_a_rules_folder_that_is_a_looping_link_a_file_or_missing_is_one_line(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert_one_clear_line(run(["validate", str(loop)]), "loop", "symbolic link that loops")
    facts = tmp_path / "facts.yaml"
    facts.write_text("imminent_danger: true\n", encoding="utf-8")
    assert_one_clear_line(run(["evaluate", str(facts), "--rules", str(loop)]), "loop", "symbolic link that loops")
    a_file = tmp_path / "file.yaml"
    a_file.write_text("x: 1\n")
    assert_one_clear_line(run(["validate", str(a_file)]), "expected a rules folder, got a file")
    assert_one_clear_line(run(["vocabulary", "--rules", str(tmp_path / "nowhere")]), "rules folder not found")


def test_a_rules_folder_or_file_that_may_not_be_read_is_one_line(tmp_path):
    folder = _rules_copy(tmp_path)
    (folder / "facts.yaml").chmod(0)
    assert_one_clear_line(run(["validate", str(folder)], drop_read_override=True), "facts.yaml", "permission denied")
    (folder / "facts.yaml").chmod(0o644)
    folder.chmod(0o300)  # may enter, may not list
    try:
        assert_one_clear_line(run(["validate", str(folder)], drop_read_override=True), "permission denied")
    finally:
        folder.chmod(0o755)


def _nested(fanouts: list[int], kind: str = "all") -> object:
    atoms = iter(range(10 ** 6))

    def tree(level: int, kind: str) -> object:
        if level == len(fanouts):
            return f"f{next(atoms) % 64}"
        other = "any" if kind == "all" else "all"
        return {kind: [tree(level + 1, other) for _ in range(fanouts[level])]}
    return tree(0, kind)


def _vocabulary_of_64() -> str:
    return yaml.safe_dump({"groups": [{"id": "g", "title": "G", "question": "G?"}],
                           "facts": [{"id": f"f{i}", "group": "g", "type": "bool", "label": f"F{i}",
                                      "question": f"F{i}?"} for i in range(64)]})


@pytest.mark.parametrize("fanouts,kind", [([2, 2, 2, 2, 2, 2], "all"), ([4, 2, 2, 2, 2], "any"),
                                          ([4, 4, 2, 2], "all"), ([8, 8], "all"), ([8, 8], "not any"),
                                          ([4, 4, 4, 4, 4], "all")])
def test_a_condition_that_would_explode_is_refused_before_it_is_expanded(tmp_path, fanouts, kind):
    """Nested all/any of 64 atoms, 2 to 5 levels deep ('not' turns an any of alls into an all of anys)."""
    when = _nested(fanouts, kind.split()[-1])
    when = {"not": when} if kind.startswith("not") else when
    rules = yaml.safe_dump({"rules": [{"id": "x.boom", "title": "Boom", "when": when, "actions": ["document"]}]})
    folder = make_rules_dir(tmp_path, rules, _vocabulary_of_64())
    assert_one_clear_line(run(["validate", str(folder)]), "rule x.boom", "too large", "split it")


def test_a_condition_of_64_atoms_five_levels_deep_is_refused_at_once_in_process(tmp_path):
    """The count is worked out from the tree: all multiplies, any adds (a billion saturates)."""
    from engine.validate import alternatives_count
    import engine

    rules = yaml.safe_dump({"rules": [{"id": "x.boom", "title": "Boom", "when": _nested([4, 4, 4, 4, 4]),
                                       "actions": ["document"]}]})  # 4^4^... : 10^12 ways
    folder = make_rules_dir(tmp_path, rules, _vocabulary_of_64())
    with pytest.raises(engine.RuleBaseError, match="more than a billion alternative ways"):
        engine.load(folder)
    facts = engine.load_rulebase(make_rules_dir(tmp_path / "ok", yaml.safe_dump(
        {"rules": [{"id": "x.ok", "title": "Ok", "when": "f1", "actions": ["document"]}]}), _vocabulary_of_64())).facts
    from engine.validate import parse_condition
    cond = parse_condition({"all": [{"any": ["f1", "f2", "f3"]}, {"any": ["f4", "f5"]}, {"not": {"all": ["f6", "f7"]}}]},
                           facts, lambda *a: None)
    assert alternatives_count(cond, facts) == 3 * 2 * 2


def test_every_real_rule_expands_to_no_more_than_its_counted_alternatives(advisor):
    from engine.compile import condition_terms
    from engine.validate import alternatives_count

    rb = advisor.rulebase
    for rule in rb.rules:
        assert len(condition_terms(rule.when, rb.facts)) <= alternatives_count(rule.when, rb.facts), rule.id


# --- scenarios folders ------------------------------------------------------------------------

def test_scenarios_on_an_empty_folder_fails_clearly(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_one_clear_line(run(["scenarios", str(tmp_path / "empty")]), "empty", "no scenario files")
    assert_one_clear_line(run(["coverage", "--scenarios", str(tmp_path / "empty")]), "no scenario files")


def test_explain_refuses_a_missing_scenarios_folder(tmp_path):
    assert_one_clear_line(run(["explain", "abuse.child", "--scenarios", str(tmp_path / "missing")]),
                          "missing", "scenarios folder not found")
    a_file = tmp_path / "s.yaml"
    a_file.write_text("x: 1\n")
    assert_one_clear_line(run(["explain", "abuse.child", "--scenarios", str(a_file)]),
                          "expected a scenarios folder, got a file")


@pytest.mark.parametrize("command", ["scenarios", "coverage", "explain", "check"])
def test_a_hostile_scenarios_folder_is_one_line(tmp_path, command):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    args = {"scenarios": ["scenarios", str(folder)], "coverage": ["coverage", "--scenarios", str(folder)],
            "explain": ["explain", "abuse.child", "--scenarios", str(folder)], "check": ["check", str(folder)]}
    assert_one_clear_line(run(args[command]), "pipe.yaml", "named pipe")
    (folder / "pipe.yaml").unlink()
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    assert_one_clear_line(run(args[command]), "loop.yaml", "symbolic link that loops")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    args = {"scenarios": ["scenarios", str(loop)], "coverage": ["coverage", "--scenarios", str(loop)],
            "explain": ["explain", "abuse.child", "--scenarios", str(loop)], "check": ["check", str(loop)]}
    assert_one_clear_line(run(args[command]), "loop", "symbolic link that loops")


# --- the Python API ---------------------------------------------------------------------------

API_CASES = {
    "a named pipe in the rules folder": ("import os, shutil; shutil.copytree(REAL, 'r'); os.mkfifo('r/zz.yaml');"
                                         " engine.load('r')", "named pipe"),
    "a rules folder that is a looping link": ("import os; os.symlink('loop', 'loop'); engine.load('loop')",
                                              "symbolic link that loops"),
    "a path that is not a path": ("engine.load(42)", "a path"),
    "400,000 facts": ("engine.load().evaluate({f'k{i}': True for i in range(400_000)})", "facts given"),
    "a value nested 5,000 deep": ("v = []\nfor _ in range(5000): v = [v]\n"
                                  "engine.load().evaluate({'abuse_type': v})", "abuse_type"),
    "a mapping nested 5,000 deep": ("v = {}\nfor _ in range(5000): v = {'a': v}\n"
                                    "engine.load().evaluate({'victim_group': v})", "victim_group"),
    "a list instead of a mapping": ("engine.load().evaluate(['suspected_abuse'])", "got a list"),
    "a key of a million characters": ("engine.load().evaluate({'x' * 1_000_000: True})", "unknown fact"),
}


@pytest.mark.parametrize("case", sorted(API_CASES))
def test_the_python_api_raises_input_error_with_one_clear_line(tmp_path, case):
    code, fragment = API_CASES[case]
    program = (f"import engine, sys\nREAL = {str(REAL_RULES)!r}\ntry:\n"
               + textwrap.indent(code, "    ") + "\nexcept engine.InputError as exc:\n"
               "    print('error: ' + str(exc), file=sys.stderr); sys.exit(2)\n")
    assert_one_clear_line(run([], python=program, cwd=tmp_path), fragment)


# --- the app's upload (the Train page) ---------------------------------------------------------

UPLOADS = {
    "binary bytes": (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "not UTF-8 text"),
    "Latin-1 text": ("id: x\ntitle: Caf\xe9\n".encode("latin-1"), "upload.yaml:2: not UTF-8 text"),
    "a NUL character": (b"id: x\n\x00\n", "upload.yaml:2: contains a NUL character"),
    "over a megabyte": (b"#" * (2 ** 20 + 1), "too large"),
    "nesting 5,000 deep": (b"facts: " + b"[" * 5000 + b"]" * 5000, "nested more than 40 levels"),
    "an alias bomb": (b"a: &a [x, x]\nb: [*a, *a]\n", "anchors and aliases"),
    "more keys than any real file": (("{" + ", ".join(f"k{i}: 1" for i in range(MAX_ITEMS + 1)) + "}").encode(),
                                     "more than 10,000 entries"),
}


@pytest.mark.parametrize("case", sorted(UPLOADS))
def test_an_upload_is_refused_with_its_name_and_line(advisor, case):
    from engine import InputError
    from ui.training import parse_uploaded

    data, fragment = UPLOADS[case]
    with pytest.raises(InputError) as caught:
        parse_uploaded(advisor, data, "upload.yaml")
    line = caught.value.lines()[0]
    assert fragment in line and "upload.yaml" in line, line
    assert len(caught.value.lines(30)) <= 31


def test_an_upload_with_thousands_of_problems_lists_a_few_and_counts_the_rest(advisor):
    from engine import InputError
    from ui.training import parse_uploaded

    data = yaml.safe_dump({"id": "x", **{f"unknown_{i}": 1 for i in range(5000)}}).encode()
    with pytest.raises(InputError) as caught:
        parse_uploaded(advisor, data, "many.yaml")
    lines = caught.value.lines(30)
    assert len(lines) == 31 and lines[-1].startswith("... and ") and "more problems" in lines[-1]
