"""A process that saves consultations one after another and says so after each one is committed,
for the durability test to kill (python -m tests.support.save_stream URL [--pause-at N]).

Each line "saved ID N" is printed only after Store.save has returned. With --pause-at N, the Nth
save stops inside its transaction (the consultation written, its note not yet) and prints
"inside N", so the test can kill it there for certain.
"""
from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import event

from ui.storage import Store


def facts_of(n: int) -> dict:
    return {"gift_offered": True, "gift_value": ["token", "moderate", "substantial"][n % 3], "n": n}


def title_of(n: int) -> str:
    return f"Consultation number {n} " + "x" * (1 + n % 50)


def note_of(n: int) -> str:
    return f"First note of consultation {n}. " + "y" * (n * 37 % 2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--pause-at", type=int, default=0)
    args = parser.parse_args()
    store = Store(args.url)
    n = 0

    @event.listens_for(store.engine, "before_cursor_execute")
    def pause_before_the_note(conn, cursor, statement, parameters, context, executemany) -> None:
        if n == args.pause_at and statement.lstrip().upper().startswith("INSERT INTO NOTE"):
            print(f"inside {n}", flush=True)
            time.sleep(600)

    while True:
        n += 1
        consultation_id = store.save(title_of(n), facts_of(n), "0.3.0", "d" * 64, note_text=note_of(n))
        print(f"saved {consultation_id} {n}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
