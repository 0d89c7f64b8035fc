"""What an operator runs, through Flask's command line (`flask --app wsgi ...`): `db`,
`api-keys` and `sealing`. Development's own tools are not here but in devtools/.

Each fails on one line, never a traceback (failures.py): a command added to a group here
is covered without saying so."""

from . import failures
from .api_keys import api_keys_cli
from .db import db_cli
from .sealing import sealing_cli

GROUPS = (db_cli, api_keys_cli, sealing_cli)


def init_app(app):
    for group in GROUPS:
        app.cli.add_command(group)
    for command in app.cli.commands.values():
        failures.cover(command)
