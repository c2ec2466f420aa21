"""Alembic's environment: run the migrations on the connection the store hands over.

No alembic.ini and no logging set-up: the store builds the configuration in code (so nothing
depends on the working directory) and passes its own connection in `config.attributes`.
"""
from __future__ import annotations

from alembic import context

from ui.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
