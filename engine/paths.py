"""Where the tool's own files are: the rules, the training scenarios, the app and its settings.

Two ways to run the tool, one answer each. From a checkout (`make run`, `make test`, an editable
install) the folders are the checkout's own, where authors edit them: rules/, scenarios/,
.streamlit/ and ui/. From an installed wheel (`pip install .`) there is no checkout: the same
files were installed inside the package as engine/data/ (pyproject.toml maps them there), and
that copy is used. Nothing here looks outside those two places.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The folder that holds the engine package: the checkout, or the installation's site-packages.
# The ui package sits beside the engine in both.
ROOT_DIR = PACKAGE_DIR.parent
# Present only in an installed wheel; never in a checkout (see [tool.setuptools.package-dir]).
INSTALLED_DATA_DIR = PACKAGE_DIR / "data"


def running_from_checkout() -> bool:
    return not INSTALLED_DATA_DIR.is_dir()


def _shipped(name: str) -> Path:
    """The installed copy of a data folder when the package carries one, else the checkout's."""
    return ROOT_DIR / name if running_from_checkout() else INSTALLED_DATA_DIR / name.lstrip(".")


DEFAULT_RULES_DIR = _shipped("rules")
DEFAULT_SCENARIOS_DIR = _shipped("scenarios")
# The app's privacy settings (no usage statistics, this computer only, small uploads). Streamlit
# reads .streamlit/config.toml of the folder it starts in; `nacm-ethics app` passes them wherever
# it starts.
STREAMLIT_CONFIG = _shipped(".streamlit") / "config.toml"
APP_SCRIPT = ROOT_DIR / "ui" / "app.py"

__all__ = ["APP_SCRIPT", "DEFAULT_RULES_DIR", "DEFAULT_SCENARIOS_DIR", "INSTALLED_DATA_DIR", "PACKAGE_DIR",
           "ROOT_DIR", "STREAMLIT_CONFIG", "running_from_checkout"]
