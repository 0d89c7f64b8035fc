"""`sealing keygen|open`: the key pair credentials are sealed to, and opening one."""

import os

import click
from flask.cli import AppGroup

from .. import sealing
from ..queries import providers
from .common import connect, uuid_argument

sealing_cli = AppGroup("sealing", help="Sealing key pairs and opening sealed credentials.")


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
