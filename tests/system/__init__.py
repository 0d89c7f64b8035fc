"""System tests: real gunicorn, nginx, chromium, command lines, other PostgreSQL clusters,
the SDKs' suites and the fuzzing; each is marked `system` (conftest.py here)."""
