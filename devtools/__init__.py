"""What only development, the tests and the benchmark need, never installed with the
service: `make run` (devserver), a local PostgreSQL (localpg), synthetic data (seed) and
a fake of the carriers' APIs (fake_carrier). Each runs as `python -m devtools.<name>`."""
