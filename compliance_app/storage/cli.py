"""``python -m compliance_app.storage`` (or ``compliance_app.storage.cli``): migrate, purge."""

from __future__ import annotations

import logging
import sys

from compliance_app.storage.db import (
    ENV_DB_URL,
    StorageError,
    alembic_config,
    default_url,
    make_engine,
    migrate,
    schema_revision,
)
from compliance_app.storage.store import DraftStore


def main(argv: list[str] | None = None) -> int:
    """``python -m compliance_app.storage upgrade|current|purge|downgrade REV|revision -m MSG``

    Uses ``$COMPLIANCE_DB_URL`` (or the default SQLite file), or ``--url``.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m compliance_app.storage")
    parser.add_argument("--url", help=f"database URL (default: ${ENV_DB_URL} or the SQLite file)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("upgrade", help="migrate the schema to the newest revision")
    sub.add_parser("current", help="print the schema revision of the database")
    sub.add_parser("purge", help="delete expired drafts now (for cron)")
    down = sub.add_parser("downgrade", help="migrate the schema down to a revision")
    down.add_argument("revision")
    rev = sub.add_parser("revision", help="write a new migration file")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", help="revision id, e.g. 0002 (default: random hex)")
    rev.add_argument("--autogenerate", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from alembic import command

    engine = make_engine(args.url or default_url())
    try:
        if args.cmd == "upgrade":
            migrate(engine)
            print(f"schema at {schema_revision(engine)}")
        elif args.cmd == "current":
            print(schema_revision(engine) or "empty (no migration applied)")
        elif args.cmd == "purge":
            with DraftStore(args.url, migrate_on_start=False) as store:
                print(f"{store.purged_on_start} expired draft(s) deleted")
        elif args.cmd == "downgrade":
            with engine.begin() as conn:
                command.downgrade(alembic_config(conn), args.revision)
            print(f"schema at {schema_revision(engine)}")
        else:
            with engine.begin() as conn:
                command.revision(
                    alembic_config(conn),
                    message=args.message,
                    autogenerate=args.autogenerate,
                    rev_id=args.rev_id,
                )
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
