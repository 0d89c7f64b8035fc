"""`api-keys create|list|revoke`: the keys callers present, shown once when made."""

import click
from flask.cli import AppGroup

from ..forms import ACCOUNT_ID, CONTROL
from ..keys import key_hash, new_key
from ..queries import api_keys
from .common import connect, uuid_argument

api_keys_cli = AppGroup("api-keys", help="Make, list and revoke API keys.")


@api_keys_cli.command("create")
@click.option("--account", "account_id", help="The account the key belongs to.")
@click.option("--platform", is_flag=True, help="A platform key: acts for X-Account-ID.")
@click.option("--label", default="", help="What the key is for (shown by list).")
def create_key(account_id, platform, label):
    """Make a key and print it alone on standard output: it is shown only now."""
    if bool(account_id) == platform:
        raise click.UsageError("give exactly one of --account ACCOUNT_ID or --platform")
    if account_id is not None and not ACCOUNT_ID.fullmatch(account_id):
        raise click.BadParameter(
            "must be 1 to 64 characters of A-Z a-z 0-9 _ -", param_hint="--account"
        )
    if len(label) > 200 or CONTROL.search(label):
        # list prints one key a line, tab-separated: a label must not break that.
        raise click.BadParameter("at most 200 characters, no tabs, newlines or other "
                                 "control characters", param_hint="--label")
    key = new_key()
    with connect() as conn:
        key_id = api_keys.create(
            conn,
            key_hash=key_hash(key),
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
