"""The carriers the service knows, one module each: a new carrier is a new module here,
added to CARRIERS (and to the `carrier` domain of sql/, which a test holds to this list).

Each module says everything about its carrier: NAME, DISPLAY_NAME, API_URL (moved by
`<NAME>_API_URL`), the credential fields it requires (`required`) and the forms it
checks (FORMS), whether its check sends fields in headers of their own (IN_HEADERS),
the check's request (`check_request`), and what the fake carrier of devtools/ answers
in its place (`fake_check`, ACCEPTED, UNAUTHORIZED).
"""

from . import plivo, twilio, vobiz

CARRIERS = {carrier.NAME: carrier for carrier in (plivo, twilio, vobiz)}
NAMES = tuple(sorted(CARRIERS))
