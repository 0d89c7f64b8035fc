"""Operator commands: `db upgrade|purge-idempotency-keys|purge-events`, `api-keys create|list|revoke`,
`sealing keygen|open`, `bench seed` and `carriers fake`."""

import os
import re
import signal
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from . import auth, db, migrations, sealing, seed
from .queries import api_keys, events, idempotency, providers
from .schemas import UUID_FORM

CONTROL = re.compile(r"[\x00-\x1f\x7f]")

db_cli = AppGroup("db", help="Database schema and housekeeping.")
api_keys_cli = AppGroup("api-keys", help="Make, list and revoke API keys.")
sealing_cli = AppGroup("sealing", help="Sealing key pairs and opening sealed credentials.")
bench_cli = AppGroup("bench", help="Benchmark data.")
carriers_cli = AppGroup("carriers", help="The carriers' APIs, as the credential check sees them.")


def connect():
    return db.connect(current_app.config["HUB"])


def uuid_argument(_ctx, _param, value):
    if not UUID_FORM.fullmatch(value):
        raise click.BadParameter("must be a UUID")
    return value.lower()


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


@api_keys_cli.command("create")
@click.option("--account", "account_id", help="The account the key belongs to.")
@click.option("--platform", is_flag=True, help="A platform key: acts for X-Account-ID.")
@click.option("--label", default="", help="What the key is for (shown by list).")
def create_key(account_id, platform, label):
    """Make a key and print it alone on standard output: it is shown only now."""
    if bool(account_id) == platform:
        raise click.UsageError("give exactly one of --account ACCOUNT_ID or --platform")
    if account_id is not None and not auth.ACCOUNT_ID.fullmatch(account_id):
        raise click.BadParameter(
            "must be 1 to 64 characters of A-Z a-z 0-9 _ -", param_hint="--account"
        )
    if len(label) > 200 or CONTROL.search(label):
        # list prints one key a line, tab-separated: a label must not break that.
        raise click.BadParameter("at most 200 characters, no tabs, newlines or other "
                                 "control characters", param_hint="--label")
    key = auth.new_key()
    with connect() as conn:
        key_id = api_keys.create(
            conn,
            key_hash=auth.key_hash(key),
            kind="platform" if platform else "account",
            account_id=account_id,
            label=label,
        )
    click.echo(f"made key {key_id}", err=True)
    click.echo(key)


@api_keys_cli.command("list")
def list_keys():
    """One key a line: id, account (or `platform`), label, created, active|revoked."""
    with connect() as conn:
        rows = api_keys.list_all(conn)
    for row in rows:
        owner = row["account_id"] if row["kind"] == "account" else "platform"
        state = "revoked" if row["revoked_at"] else "active"
        created = row["created_at"].isoformat(timespec="seconds")
        label = CONTROL.sub(" ", row["label"]) or "-"  # rows made before labels were checked
        click.echo("\t".join([row["id"], owner, label, created, state]))


@api_keys_cli.command("revoke")
@click.argument("key_id", callback=uuid_argument)
def revoke_key(key_id):
    """Revoke a key: the next request with it answers 401."""
    with connect() as conn:
        if not api_keys.revoke(conn, key_id):
            raise click.ClickException(f"no API key {key_id}")
    click.echo(f"revoked {key_id}", err=True)


@sealing_cli.command("keygen")
def keygen():
    """Print a new key pair: SEALING_PUBLIC_KEY=... and SEALING_PRIVATE_KEY=..."""
    public, private = sealing.keygen()
    click.echo(f"SEALING_PUBLIC_KEY={public}")
    click.echo(f"SEALING_PRIVATE_KEY={private}")


@sealing_cli.command("open")
@click.argument("provider_id", callback=uuid_argument)
def open_credential(provider_id):
    """Print a credential's JSON, opened with SEALING_PRIVATE_KEY."""
    private_key = os.environ.get("SEALING_PRIVATE_KEY")
    if not private_key:
        raise click.ClickException("SEALING_PRIVATE_KEY is not set")
    try:
        key_id = sealing.key_id_of_private(private_key)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with connect() as conn:
        row = providers.sealed(conn, provider_id)
    if row is None:
        raise click.ClickException(f"no credential {provider_id}")
    if row["sealing_key_id"] != key_id:
        raise click.ClickException(
            f"credential is sealed to key {row['sealing_key_id']}; this private key is {key_id}"
        )
    click.echo(sealing.open_sealed(private_key, row["sealed_credentials"]))


@bench_cli.command("seed")
@click.option("--accounts", type=click.IntRange(1, 1_000_000), default=100, show_default=True)
@click.option("--numbers", type=click.IntRange(0, 1_000_000_000), default=1000, show_default=True)
@click.option("--events", type=click.IntRange(0, 1_000_000_000), default=0, show_default=True)
def bench_seed(accounts, numbers, events):
    """Load synthetic accounts, credentials, numbers and events through COPY (bench_*
    accounts)."""
    sealer = current_app.extensions["sealer"]
    if not sealer.available:
        sealer = sealing.Sealer(sealing.keygen()[0])  # synthetic data: any key will do
    started = time.monotonic()
    with connect() as conn:
        seed.seed(conn, accounts=accounts, numbers=numbers, sealer=sealer)
        if events:
            seed.seed_events(conn, accounts=accounts, events=events)
    seconds = time.monotonic() - started
    click.echo(f"seeded {accounts} accounts, {numbers} numbers and {events} events"
               f" in {seconds:.1f} s ({(numbers + events) / seconds:,.0f} rows/s)", err=True)


@carriers_cli.command("fake")
@click.option("--port", type=click.IntRange(0, 65535), default=9000, show_default=True)
@click.option("--delay-ms", type=click.IntRange(0, 60_000), default=0, show_default=True,
              help="How long each answer takes: a carrier's latency.")
def fake_carriers(port, delay_ms):
    """Serve a fake of Twilio's, Plivo's and Vobiz's APIs until Ctrl-C (app/fake_carrier.py)."""
    from .fake_carrier import FakeCarrier

    fake = FakeCarrier(port=port, delay=delay_ms / 1000)
    click.echo("Point the service at it with:")
    for name, value in fake.environ().items():
        click.echo(f"  export {name}={value}")
    click.echo("Any secret is accepted but one starting with 'wrong' (401) or a fault "
               "such as 'fake:500', 'fake:302', 'fake:hang'.")
    # A background job of a script ignores SIGINT: stop on SIGTERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.release()
        fake.server.server_close()
