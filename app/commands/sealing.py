"""`sealing keygen|open|rotate`: the key pair credentials are sealed to, opening one,
and sealing them all again to a new key."""

import os
import time

import click
import psycopg
from flask import current_app
from flask.cli import AppGroup

from .. import sealing
from ..queries import providers
from .common import connect, uuid_argument

sealing_cli = AppGroup("sealing", help="Sealing key pairs; opening and rotating sealed "
                       "credentials.")


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


# Who a rotation's events name, instead of an API key (contract section 9).
ROTATE_ACTOR = {"actor_key_id": None, "actor_kind": "operator", "actor_command": "sealing rotate"}
PROGRESS_EVERY = 30  # seconds between the progress lines of a long run


@sealing_cli.command("rotate")
@click.option("--dry-run", is_flag=True, help="Count what a run would do; change nothing.")
@click.option("--batch", type=click.IntRange(1, 10_000), default=500, show_default=True,
              help="Credentials read per statement (each is then sealed again in a "
                   "transaction of its own).")
def rotate(dry_run, batch):
    """Seal every credential sealed to the key of SEALING_PRIVATE_KEY (the old pair's
    private half) again to SEALING_PUBLIC_KEY (the new public key), without asking the
    carrier again. Run again after an interruption: what is done stays done."""
    opener, sealer = rotation_keys()
    # One id for the run, in each of its events' request_id, so an audit finds them all.
    run_id = f"sealing-rotate-{os.urandom(8).hex()}"
    try:
        with connect() as conn:
            done = reseal_all(conn, opener, sealer, batch=batch, dry_run=dry_run,
                              origin={**ROTATE_ACTOR, "request_id": run_id})
            by_key = providers.count_by_key(conn)
    except psycopg.Error as exc:
        # Its first line only: a detail could quote a row. What is done stays done.
        raise click.ClickException(f"database error: {str(exc).splitlines()[0]}") from None
    report(done, by_key, old=opener.key_id, new=sealer.key_id, dry_run=dry_run, run_id=run_id)


def report(done, by_key, *, old, new, dry_run, run_id):
    """The run's one line of counts; then an error when something is left on the old key."""
    counts = (f"from key {old} to key {new}, "
              f"{by_key.get(new, 0) - (0 if dry_run else done['rotated'])} already current, "
              f"{sum(n for key, n in by_key.items() if key not in (old, new))} sealed to "
              f"neither key")
    if dry_run:
        click.echo(f"dry run: {done['rotated']} to rotate {counts}; nothing changed", err=True)
    else:
        click.echo(f"rotated {done['rotated']} {counts} (run {run_id})", err=True)
    if done["unopened"]:
        raise click.ClickException(
            f"{done['unopened']} credentials sealed to key {old} do not open with "
            f"SEALING_PRIVATE_KEY and stay as they are (the first: {done['first_unopened']})")
    left = by_key.get(old, 0)
    if left and not dry_run:  # sealed to the old key by a host that still had it
        raise click.ClickException(
            f"{left} credentials were sealed to key {old} meanwhile: run it again")


def rotation_keys():
    """(Opener of the old key, Sealer of the new one), from the environment; a usage
    error when either is missing or invalid, or both are the same pair."""
    private_key = os.environ.get("SEALING_PRIVATE_KEY")
    if not private_key:
        raise click.ClickException("SEALING_PRIVATE_KEY is not set: give the old key "
                                   "pair's private half")
    try:
        opener = sealing.Opener(private_key)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    sealer = current_app.extensions["sealer"]  # SEALING_PUBLIC_KEY, as the API seals to it
    if not sealer.available:
        raise click.ClickException(f"{sealer.problem}: give the new public key")
    if sealer.key_id == opener.key_id:
        raise click.ClickException(
            f"SEALING_PRIVATE_KEY and SEALING_PUBLIC_KEY are the same key pair "
            f"({opener.key_id}): SEALING_PUBLIC_KEY must be the new public key")
    return opener, sealer


def reseal_all(conn, opener, sealer, *, batch, dry_run, origin):
    """Open each credential sealed to the old key and seal its plaintext to the new one,
    each row in a statement (and transaction) of its own with its event; return counts:
    rotated (in a dry run, those that would be), and unopened (sealed to the old key but
    not opening with its private key). The plaintext never leaves this function: not in
    output, logs or errors."""
    done = {"rotated": 0, "unopened": 0, "first_unopened": None}
    after = "00000000-0000-0000-0000-000000000000"
    report_at = time.monotonic() + PROGRESS_EVERY
    while rows := providers.sealed_to(conn, opener.key_id, after=after, limit=batch):
        for row in rows:
            plaintext = opener.open(row["sealed_credentials"])
            if plaintext is None:
                done["unopened"] += 1
                done["first_unopened"] = done["first_unopened"] or row["id"]
            elif dry_run or providers.reseal(
                    conn, row["id"], was=(row["sealed_credentials"], opener.key_id),
                    sealed=sealer.seal_plaintext(plaintext), origin=origin):
                done["rotated"] += 1
        after = rows[-1]["id"]
        if time.monotonic() > report_at:
            click.echo(f"... {done['rotated']} {'to rotate' if dry_run else 'rotated'} so far",
                       err=True)
            report_at = time.monotonic() + PROGRESS_EVERY
    return done
