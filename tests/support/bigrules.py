"""A generated rule base of any size, for stress and agreement tests against the oracle."""
from __future__ import annotations

import random
from pathlib import Path

import yaml

import engine
from engine.compile import MAX_TERMS_PER_RULE, condition_terms
from engine.conditions import can_ever_hold, parse_condition
from tests.support.minirules import make_rules_dir

N_BOOL, N_ENUM, N_LIST, N_INT, N_DERIVED = 20, 8, 6, 3, 12


def vocabulary() -> dict:
    facts = []
    for i in range(N_BOOL):
        facts.append({"id": f"b{i}", "group": "g", "type": "bool", "label": f"B{i}", "question": f"B{i}?"})
    for i in range(N_ENUM):
        facts.append({"id": f"e{i}", "group": "g", "type": "enum", "label": f"E{i}", "question": f"E{i}?",
                      "values": {f"v{j}": f"V{j}" for j in range(4)}})
    for i in range(N_LIST):
        facts.append({"id": f"l{i}", "group": "g", "type": "list", "label": f"L{i}", "question": f"L{i}?",
                      "values": {f"w{j}": f"W{j}" for j in range(5)}})
    for i in range(N_INT):
        facts.append({"id": f"n{i}", "group": "g", "type": "int", "label": f"N{i}", "question": f"N{i}?",
                      "min": 0, "max": 100})
    facts[1]["ask_if"] = {"b0": True}
    derived = [{"id": f"d{i}", "label": f"D{i}", "meaning": "generated"} for i in range(N_DERIVED)]
    return {"groups": [{"id": "g", "title": "G", "question": "G?"}], "facts": facts, "derived": derived}


def _atom(rng: random.Random, max_derived: int) -> object:
    kind = rng.random()
    if max_derived > 0 and kind < 0.12:
        return f"d{rng.randrange(max_derived)}"
    if kind < 0.45:
        fact = f"b{rng.randrange(N_BOOL)}"
        return fact if rng.random() < 0.5 else {"fact": fact, "equals": rng.random() < 0.5}
    if kind < 0.65:
        fact = f"e{rng.randrange(N_ENUM)}"
        if rng.random() < 0.5:
            return {"fact": fact, "equals": f"v{rng.randrange(4)}"}
        return {"fact": fact, "one_of": sorted(rng.sample([f"v{j}" for j in range(4)], 2))}
    if kind < 0.82:
        fact = f"l{rng.randrange(N_LIST)}"
        op = rng.choice(["contains_any", "contains_all"])
        return {"fact": fact, op: sorted(rng.sample([f"w{j}" for j in range(5)], rng.randint(1, 2)))}
    if kind < 0.92:
        fact = f"n{rng.randrange(N_INT)}"
        return {"fact": fact, rng.choice(["gt", "gte", "lt", "lte", "equals"]): rng.randrange(101)}
    fact = rng.choice([f"e{rng.randrange(N_ENUM)}", f"n{rng.randrange(N_INT)}", f"b{rng.randrange(N_BOOL)}"])
    return {"fact": fact, "is": rng.choice(["known", "unknown"])}


def _condition(rng: random.Random, depth: int, max_derived: int) -> object:
    if depth == 0 or rng.random() < 0.3:
        return _atom(rng, max_derived)
    choice = rng.random()
    if choice < 0.15:
        return {"not": _condition(rng, depth - 1, max_derived)}
    key = "all" if choice < 0.65 else "any"
    return {key: [_condition(rng, depth - 1, max_derived) for _ in range(rng.randint(2, 3))]}


RULES_PER_FILE = 250


def generate(tmp: Path, n_rules: int, seed: int = 7) -> Path:
    """Write a rules folder with n_rules generated rules; every condition can hold, every derived
    fact is concluded and read, and concluding never loops (d_i is concluded only by rules that
    read d_j with j < i)."""
    rng = random.Random(seed)
    vocab_yaml = yaml.safe_dump(vocabulary(), sort_keys=False)
    seed_rules = {"rules": [{"id": "seed.rule", "title": "seed", "when": "b0", "actions": ["document"]}]}
    folder = make_rules_dir(tmp, {"seed.yaml": yaml.safe_dump(seed_rules)}, vocab_yaml)
    # Derived facts need a concluder and a reader to validate; parse conditions against the
    # vocabulary with a throwaway base whose derived facts are all used.
    scaffold = [{"id": f"scaffold.c{i}", "title": "c", "when": "b0", "concludes": [f"d{i}"]} for i in range(N_DERIVED)]
    scaffold += [{"id": f"scaffold.r{i}", "title": "r", "when": f"d{i}", "actions": ["document"]} for i in range(N_DERIVED)]
    (folder / "seed.yaml").write_text(yaml.safe_dump({"rules": scaffold}))
    facts = engine.load_rulebase(folder).facts
    actions = ["document", "consult_supervisor", "maintain_boundary", "advocate", "reassess_needs",
               "report_to_authorities", "peer_support", "deidentify"]
    rules = []
    while len(rules) < n_rules:
        i = len(rules)
        target = i % N_DERIVED if i < 4 * N_DERIVED or rng.random() < 0.1 else None
        max_derived = target if target is not None else N_DERIVED
        when = _condition(rng, 3, max_derived)
        problems: list[str] = []
        parsed = parse_condition(when, facts, lambda message, *where: problems.append(message))
        if problems or parsed is None or not can_ever_hold(parsed, facts):
            continue
        if len(condition_terms(parsed, facts, limit=MAX_TERMS_PER_RULE)) > MAX_TERMS_PER_RULE // 4:
            continue  # the compiler refuses rules that expand too far; keep the base compilable
        rule = {"id": f"gen.r{i:04d}", "title": f"Generated {i}", "priority": rng.randrange(101), "when": when,
                "cites": [{"commitment": rng.randint(1, 28), "why": "generated"}],
                "actions": [{"id": rng.choice(actions), "urgency": rng.choice(["immediate", "soon", "routine"])}]}
        if rule["actions"][0]["id"] == "report_to_authorities":
            rule["actions"][0]["urgency"] = "immediate"
        if target is not None:
            rule["concludes"] = [f"d{target}"]
        if rng.random() < 0.1:
            a, b = rng.sample(range(1, 29), 2)
            rule["tensions"] = [{"between": [a, b], "why": "generated"}]
        rules.append(rule)
    readers = [{"id": f"gen.read{i}", "title": "reader", "when": f"d{i}", "actions": ["document"]}
               for i in range(N_DERIVED)]
    everything = rules + readers
    (folder / "seed.yaml").unlink()
    for start in range(0, len(everything), RULES_PER_FILE):  # files of a real size, as authors write them
        chunk = everything[start:start + RULES_PER_FILE]
        (folder / f"gen{start // RULES_PER_FILE:03d}.yaml").write_text(yaml.safe_dump({"rules": chunk}, sort_keys=False))
    return folder
