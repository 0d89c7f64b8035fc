"""The forms of the contract's values, written once: ids, numbers, names, control characters."""

import re

# An account id and an agent id: 1 to 64 characters of A-Z a-z 0-9 _ -.
ACCOUNT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
AGENT_ID = ACCOUNT_ID
# `+` and 2 to 15 digits, the first not 0 (libphonenumber then decides validity).
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# A credential field's name.
CREDENTIAL_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
# What must not reach a one-line answer, a tab-separated listing or a label.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
