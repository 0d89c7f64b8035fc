"""How the operator's commands fail, in process: what the real command line
(tests/system/test_cli.py) cannot be made to do on demand."""

import click
import psycopg
import pytest

from app.commands.api_keys import api_keys_cli
from app.config import Config, ConfigError


@pytest.mark.parametrize("error, line", [
    (KeyError("account_id"), "Error: KeyError: 'account_id'"),
    (psycopg.errors.QueryCanceled("canceling statement due to statement timeout\nLINE 1"),
     "Error: database error: canceling statement due to statement timeout; LINE 1"),
])
def test_a_command_added_later_fails_on_one_line_too(make_app, monkeypatch, error, line):
    @click.command("boom")
    def boom():
        raise error

    monkeypatch.setitem(api_keys_cli.commands, "boom", boom)
    done = make_app().test_cli_runner().invoke(args=["api-keys", "boom"])
    assert (done.exit_code, done.output) == (1, line + "\n")


def test_a_bad_number_names_its_variable():
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE must be a whole number, not 'x'"):
        Config.from_env({"DATABASE_POOL_SIZE": "x"})
    assert Config.from_env({"DATABASE_POOL_SIZE": ""}).pool_max_size == Config.pool_max_size
