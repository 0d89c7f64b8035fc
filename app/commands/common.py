"""What the commands share: their database connection and their argument checks."""

import click
from flask import current_app

from ..forms import UUID
from ..process import pool


def connect():
    """A connection of the command's own, outside any pool (app/process/pool.py)."""
    return pool.connect(current_app.config["HUB"])


def uuid_argument(_ctx, _param, value):
    if not UUID.fullmatch(value):
        raise click.BadParameter("must be a UUID")
    return value.lower()
