"""Each operation declared once, on its view: what the OpenAPI document says of it, and
what the request machinery does around it (Idempotency-Key, the known-key check, the
fast path). app/api/openapi.py builds the document from these declarations and the
app's routes; app/request/fast_path.py finds its reads here; both SDKs' tests read the
served document.
"""

from dataclasses import dataclass

from ..request import auth
from ..request.idempotency import idempotent as honour_idempotency_key


@dataclass(frozen=True)
class Operation:
    id: str                           # the operationId
    summary: str
    status: int = 200                 # the one success status
    body: type | None = None          # the request body's schema
    query: type | None = None         # the query string's schema
    answer: type | None = None        # the success answer's schema; None: no body
    representation: type | None = None  # with Prefer: return=representation, 200 of this
    errors: tuple = ()                # error statuses beyond those every operation has
    idempotent: bool = False          # honours Idempotency-Key
    fast: object = None               # a read that app/request/fast_path.py may answer
    tag: str | None = None            # its group; by default its path's first segment
    platform_only: bool = False       # for platform keys only
    account_optional: bool = False    # X-Account-ID may be left out


def operation(operation_id, summary, *, checks_key=False, prepare=None, platform_only=None,
              account_optional=False, **declared):
    """Declare a view's operation. `idempotent=True` makes it honour Idempotency-Key
    (`prepare`: see idempotency.idempotent); `checks_key=True` says each of its statements
    only reads or runs through auth.checked, so a known key is not looked up first;
    `platform_only` is the refusal an account key gets (X-Account-ID then optional with
    `account_optional`)."""
    declaration = Operation(operation_id, summary, platform_only=platform_only is not None,
                            account_optional=account_optional, **declared)

    def declare(view):
        if platform_only is not None:
            view = auth.for_platform_keys(view, platform_only, account_optional)
        if checks_key:
            view = auth.checks_key_itself(view)
        if declaration.idempotent:
            view = honour_idempotency_key(view, prepare=prepare)
        view.operation = declaration
        return view

    return declare


def operations(app, endpoints=False):
    """(path as OpenAPI writes it, method, Operation) of every declared route, in the
    order the routes were registered; and its endpoint, with endpoints=True."""
    found = []
    for rule in app.url_map.iter_rules():
        declaration = getattr(app.view_functions[rule.endpoint], "operation", None)
        if declaration is None:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", f"{{{name}}}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), declaration)
                         + ((rule.endpoint,) if endpoints else ()))
    return found
