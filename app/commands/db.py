"""`db upgrade|purge-idempotency-keys|purge-events`: the schema, and housekeeping."""

import click
from flask.cli import AppGroup

from ..queries import events, idempotency
from . import migrations
from .common import connect

db_cli = AppGroup("db", help="Database schema and housekeeping.")


@db_cli.command("upgrade")
def upgrade():
    """Apply the pending migrations from sql/ (safe to run from several processes)."""
    with connect() as conn:
        done = migrations.upgrade(conn)
    for line in done:
        click.echo(f"applied {line}", err=True)
    click.echo(f"database up to date ({len(done)} applied)", err=True)


@db_cli.command("purge-idempotency-keys")
def purge_idempotency_keys():
    """Delete expired Idempotency-Key answers of every account (for a daily schedule;
    each account's own go on its next keyed request anyway)."""
    with connect() as conn:
        purged = idempotency.purge_expired(conn)
    click.echo(f"purged {purged} expired idempotency keys", err=True)


@db_cli.command("purge-events")
@click.option("--older-than-days", type=click.IntRange(0, 36_500), default=90, show_default=True,
              help="Delete events that occurred longer ago than this.")
def purge_events(older_than_days):
    """Delete old events, a few thousand per short transaction (for a daily schedule)."""
    with connect() as conn:
        purged = events.purge(conn, older_than_days)
    click.echo(f"purged {purged} events older than {older_than_days} days", err=True)
