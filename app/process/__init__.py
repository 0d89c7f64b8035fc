"""What runs once per process, beside the requests: gunicorn's worker, the database pool
(opened after the fork) and the watchdog that holds database work to its deadline."""
