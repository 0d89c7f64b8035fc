"""The stack's ceiling: a hello-world Flask route, served by the same gunicorn.conf.py."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "ok"
