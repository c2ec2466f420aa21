"""The tool as a package: a wheel built from a copy of the checkout, installed in a new virtual
environment and run from a folder with no checkout in sight, evaluates a scenario, passes its own
authoring checks and scenarios, and starts the app.

The venv is made without system site-packages and the wheel installed into it with --no-deps. Its
dependencies are not downloaded again: the registry's answers are not kept in pip's cache on
these machines, so a full install fetches about 100 MB on every run (measured: 23 s here, and a
failed test whenever the network hiccups). Instead the venv sees, through one .pth file, a folder
of links to exactly the distributions the wheel declares (Requires-Dist, followed through their
own requirements), taken from the project's .venv. So an import the package does not declare
still fails, the checkout's editable install and the test tools stay invisible, and the engine,
the app and their data come from the wheel, which the tests check. Set
NACM_ETHICS_WHEEL_WITH_DEPS=1 to install the dependencies from the registry instead.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import engine

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", "test-artifacts", "*.sqlite3", "secrets.toml")
WITH_DEPS = os.environ.get("NACM_ETHICS_WHEEL_WITH_DEPS") == "1"
SCENARIO = "abuse-child-unexplained-bruises.yaml"


def run(command: list[str], cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Build the wheel from a copy of the source tree (no .git, no .venv, no ../shared beside it),
    install it in a new venv, and return how to run it."""
    tmp = tmp_path_factory.mktemp("package")
    source, wheels, venv, work = tmp / "source", tmp / "wheels", tmp / "venv", tmp / "work"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["NACM_ETHICS_DB"] = str(tmp / "consultations.sqlite3")

    built = run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(wheels)], tmp, env)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next(wheels.glob("nacm_ethics-*.whl"))

    python = venv / "bin" / "python"
    if WITH_DEPS:
        made = run([sys.executable, "-m", "venv", str(venv)], tmp, env)
        assert made.returncode == 0, made.stderr
        done = run([str(python), "-m", "pip", "install", str(wheel)], tmp, env, timeout=1800)
    else:
        made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
        assert made.returncode == 0, made.stderr
        site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env)
        deps = declared_dependencies_view(wheel, tmp / "dependencies")
        (Path(site.stdout.strip()) / "declared_dependencies.pth").write_text(f"{deps}\n")
        done = run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
                   tmp, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"python": python, "bin": venv / "bin", "work": work, "env": env, "venv": venv}


def declared_dependencies_view(wheel: Path, folder: Path) -> Path:
    """A folder of links to the installed files of every distribution the wheel requires (its
    Requires-Dist without extras, and theirs in turn), from the environment running the tests."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    pending = [Requirement(line.split(":", 1)[1].strip()) for line in lines if line.startswith("Requires-Dist:")]
    seen: set[str] = set()
    folder.mkdir()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        dist = importlib.metadata.distribution(name)
        base = Path(dist.locate_file(""))
        for top in {Path(str(f)).parts[0] for f in dist.files or ()} - {"..", "__pycache__"}:
            if not (folder / top).exists():
                (folder / top).symlink_to(base / top)
        pending += [Requirement(r) for r in dist.requires or ()]
    return folder


def nacm(installed: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return run([str(installed["bin"] / "nacm-ethics"), *args], installed["work"], installed["env"], timeout)


WHERE = textwrap.dedent("""\
    import json, engine, ui
    from engine import paths
    print(json.dumps({"engine": engine.__file__, "ui": ui.__file__, "rules": str(paths.DEFAULT_RULES_DIR),
                      "scenarios": str(paths.DEFAULT_SCENARIOS_DIR), "app": str(paths.APP_SCRIPT),
                      "config": str(paths.STREAMLIT_CONFIG), "checkout": paths.running_from_checkout()}))
    """)


@pytest.fixture(scope="module")
def where(installed) -> dict:
    """Where the installed package finds its code and data, asked from a folder with no checkout."""
    probe = run([str(installed["python"]), "-c", WHERE], installed["work"], installed["env"])
    assert probe.returncode == 0, probe.stderr
    return json.loads(probe.stdout)


def test_the_installed_engine_app_and_data_come_from_the_wheel_not_the_checkout(installed, where):
    assert where["checkout"] is False
    venv = str(installed["venv"].resolve())
    for name in ("engine", "ui", "rules", "scenarios", "app", "config"):
        assert where[name].startswith(venv + "/") and not where[name].startswith(str(ROOT) + "/"), where
    rules = Path(where["rules"])
    assert (rules / "source" / "nacm_code_of_ethics.txt").is_file()
    assert sorted(p.name for p in rules.glob("*.yaml")) == sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))
    assert sorted(p.name for p in Path(where["scenarios"]).glob("*.yaml")) == \
        sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert (Path(where["app"]).parent / "views" / "consult.py").is_file()
    assert Path(where["config"]).read_text() == (ROOT / ".streamlit" / "config.toml").read_text()


def test_the_installed_command_evaluates_a_shipped_scenario_with_the_same_rules(installed, where):
    result = nacm(installed, "evaluate", str(Path(where["scenarios"]) / SCENARIO), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ruleset"]["sha256"] == engine.fingerprint(ROOT / "rules")
    assert (report["actions"][0]["id"], report["actions"][0]["urgency"]) == ("report_to_authorities", "immediate")
    text = nacm(installed, "evaluate", str(Path(where["scenarios"]) / SCENARIO))
    assert text.returncode == 0 and "Report to protective services" in text.stdout, text.stderr
    missing = nacm(installed, "evaluate", "no-such-file.yaml")
    assert missing.returncode == 2 and missing.stderr == "error: no-such-file.yaml: file not found\n"


def test_the_installed_command_validates_checks_and_runs_the_shipped_scenarios(installed):
    validated = nacm(installed, "validate")
    assert validated.returncode == 0 and validated.stdout.startswith("ok: "), validated.stdout + validated.stderr
    checked = nacm(installed, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    count = len(list((ROOT / "scenarios").glob("*.yaml")))
    assert checked.stdout.strip().splitlines()[-1].endswith(
        f"no authoring problems; scenarios {count} passed, 0 failed"), checked.stdout
    scenarios = nacm(installed, "scenarios")
    assert scenarios.returncode == 0 and scenarios.stdout.strip().endswith(f"scenarios: {count} passed, 0 failed")


def test_the_installed_app_renders_its_pages(installed):
    """Streamlit's own test runner on the installed ui/app.py: the rules load and Consult draws."""
    script = textwrap.dedent("""\
        from streamlit.testing.v1 import AppTest
        from engine import paths
        at = AppTest.from_file(str(paths.APP_SCRIPT), default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        print(at.title[0].value if at.title else "", "|", len(at.checkbox))
        """)
    result = run([str(installed["python"]), "-c", script], installed["work"], installed["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    title, areas = result.stdout.strip().rsplit("|", 1)
    assert int(areas) > 0, result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nacm_ethics_app_starts_the_installed_app_headless(installed, tmp_path):
    port = free_port()
    log = open(tmp_path / "app.log", "wb")
    process = subprocess.Popen([str(installed["bin"] / "nacm-ethics"), "app", "--port", str(port)],
                               cwd=installed["work"], env=installed["env"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, health = time.monotonic() + 90, None
        while health != b"ok":
            assert process.poll() is None and time.monotonic() < deadline, \
                "the app did not start:\n" + (tmp_path / "app.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    health = response.read().strip()
            except OSError:
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200 and b"<html" in response.read().lower()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()
    shown = (tmp_path / "app.log").read_text(errors="replace")
    assert f"127.0.0.1:{port}" in shown and "Traceback" not in shown, shown
