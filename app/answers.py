"""Success answers: a JSON object, or no content."""

import json

from flask import Response


def json_answer(obj, status=200, headers=None):
    """A JSON answer; compact, as clients parse it and nobody reads it raw."""
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status, headers, content_type="application/json")


def created(obj, location):
    return json_answer(obj, 201, {"Location": location})


def no_content():
    answer = Response(status=204)
    del answer.headers["Content-Type"]  # no body, so no type
    return answer
