"""The accessibility audit of the browser tests: axe-core (vendored in tests/e2e/vendor/, MPL-2.0)
injected into the page as it is now; serious and critical findings fail a test."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "e2e" / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " "))}))"""


def serious_violations(page, where: str) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    page.wait_for_timeout(800)  # let the last rerun settle
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']}: {'; '.join(v['nodes'])}"
            for v in found if v["impact"] in SERIOUS]
