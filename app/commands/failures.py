"""How a command fails: one line on standard error naming what is wrong, `Error: ...` as
click prints its own, and a non-zero exit; never a traceback.

Two moments can fail. Flask loads the app (importing wsgi) before it even looks up the
command, so a bad configuration value stops every command there: `loading()`. Then the
command runs: `cover()` wraps each one, so that a database error, or one nobody foresaw,
is its one line too. Click's own errors (a usage error, a ClickException a command
raises) pass through as click prints them.
"""

import functools
import sys
from contextlib import contextmanager

import click
import psycopg

from ..config import ConfigError


@contextmanager
def loading():
    """Around reading the configuration. Under the command line (a click context is
    active) a bad value is one line and exit 1; elsewhere it is raised, so that gunicorn,
    whose worker cannot load the app, refuses to start."""
    try:
        yield
    except ConfigError as exc:
        if click.get_current_context(silent=True) is None:
            raise
        # SystemExit: Flask reports any other exception raised while it lists the
        # commands (`flask --app wsgi --help`) with its traceback.
        sys.exit(f"Error: {exc}")


def cover(command):
    """Make `command`, and every command under it, fail on one line."""
    if command.callback is not None and not getattr(command.callback, "one_line", False):
        command.callback = one_line(command.callback)
    for sub in getattr(command, "commands", {}).values():
        cover(sub)


def one_line(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (click.ClickException, click.Abort):
            raise
        except psycopg.errors.UndefinedTable as exc:
            raise click.ClickException(f"database error: {flat(exc)} "
                                       "(has `flask --app wsgi db upgrade` run?)") from None
        except psycopg.Error as exc:
            raise click.ClickException(f"database error: {flat(exc)}") from None
        except Exception as exc:
            raise click.ClickException(f"{type(exc).__name__}: {flat(exc)}") from None

    run.one_line = True
    return run


def flat(exc):
    """An exception's message on one line: the server's primary message for a database
    error (not the statement and caret psycopg adds), the lines joined otherwise."""
    diag = getattr(exc, "diag", None)
    primary = diag.message_primary if diag is not None else None
    return primary or "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
