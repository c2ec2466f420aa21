"""Step 4 of 5: check a scenario's facts, run them through the compiled rules, build the report
(with "what else to find out", explore.py).

`Advisor` is the object the CLI and the app hold: compiled once, evaluated many times, safe to
share between threads, and keeping nothing from one evaluation to the next.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping

from .compile import Baseline, Firing, Program
from .errors import EngineFailure
from .explore import Explorer
from .facts import CheckedFacts, check_facts
from .model import RuleBase
from .report import OpenQuestion, Report, build_report


MAX_REBUILDS = 3  # each retired instance stays in memory (freeing it could corrupt the heap)


class Advisor:
    """A compiled rule base: `evaluate(facts)` gives a Report."""

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        self._program = Program(rulebase)
        self._recompile_lock = threading.Lock()
        self._rebuilds = 0
        self._explorer = Explorer(rulebase)

    @property
    def version(self) -> str:
        return self.rulebase.version

    @property
    def sha256(self) -> str:
        return self.rulebase.sha256

    def check(self, facts: Any, source: str | None = None, location: tuple = ()) -> CheckedFacts:
        return check_facts(self.rulebase, facts, source, location)

    def evaluate(self, facts: Any, *, explore: bool = True, source: str | None = None,
                 location: tuple = ()) -> Report:
        """The report for one scenario. explore=False skips "what else to find out"."""
        checked = self.check(facts, source, location)
        base = self._engine(lambda program: program.baseline(checked.values))
        firing = base.firing
        open_questions = self._open_questions(checked, base) if explore else ()
        return build_report(self.rulebase, checked.values, checked.implied, firing.fired,
                            firing.derived, open_questions)

    def _run(self, values: Mapping[str, Any], memo: dict | None = None) -> Firing:
        return self._engine(lambda program: program.run(values, memo if program is self._program else None))

    def _probe(self, base: Baseline, fact_id: str, value: Any, memo: dict) -> Firing:
        return self._engine(lambda program: program.probe(base, fact_id, value, memo))

    def _engine(self, call: Callable[[Program], Any]) -> Any:
        """Call the compiled program; if the engine poisoned it (see compile.py), build a fresh one
        and try once more (a probe's base and memo belong to the retired one, which it then knows)."""
        program = self._program
        try:
            return call(program)
        except EngineFailure:
            if not program.broken:
                raise
            with self._recompile_lock:
                if self._program is program:
                    if self._rebuilds >= MAX_REBUILDS:
                        raise EngineFailure("the rules engine failed repeatedly; restart the program"
                                            f" (last error: {program.broken})") from None
                    self._rebuilds += 1
                    self._program = Program(self.rulebase)
            return call(self._program)

    # --- what else to find out (explore.py) ------------------------------------------------

    def _open_questions(self, checked: CheckedFacts, base: Baseline | Firing, *,
                        foresee: bool = True, confirm: bool = False) -> tuple[OpenQuestion, ...]:
        """The unanswered questions whose answer would change the advice, each answer decided by
        the compiled alternatives (Explorer.foreseen). `foresee=False` puts every answer to the
        whole engine instead (the reference the differential tests compare with); `confirm=True`
        (needs the engine's Baseline) also puts each answer that changes the advice to the engine,
        asking only the shards that read what it changes, and refuses to report on a disagreement."""
        firing = base.firing if isinstance(base, Baseline) else base
        values = checked.values
        memo: dict = {}  # shards whose fields an answer leaves unchanged are not asked again
        if not foresee:
            return self._explorer.thorough(values, firing,
                                           lambda fact_id, value: self._run({**values, fact_id: value}, memo).fired)
        if confirm and not isinstance(base, Baseline):
            raise ValueError("confirming what the Matcher foresaw needs the engine's Baseline")
        check = (lambda fact_id, value: self._probe(base, fact_id, value, memo).fired) if confirm else None
        return self._explorer.foreseen(values, firing, self._program.matcher, check,
                                       base if isinstance(base, Baseline) else None)
