"""What the commands share: their database connection and their argument checks."""

import click
import psycopg
from flask import current_app

from ..forms import UUID
from ..process import pool


def connect():
    """A connection of the command's own, outside any pool (app/process/pool.py); when
    none can be made, the command fails saying so, on one line (failures.py)."""
    config = current_app.config["HUB"]
    try:
        return pool.connect(config)
    except psycopg.OperationalError as exc:
        if config.database_url:
            where = "cannot connect to the database DATABASE_URL names"
        else:
            where = "DATABASE_URL is not set, and libpq's defaults reach no database"
        raise click.ClickException(f"{where}: {reason(exc)}") from None


def reason(exc):
    """psycopg's account of a failed connection, on one line, without its own preamble."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or ["no reason given"]
    first = lines[0].removeprefix("connection failed: ").removeprefix("connection is bad: ")
    return "; ".join([first, *lines[1:]])


def uuid_argument(_ctx, _param, value):
    if not UUID.fullmatch(value):
        raise click.BadParameter("must be a UUID")
    return value.lower()
