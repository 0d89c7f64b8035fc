"""In-process tests: the app through Flask's test client, and SQL on the test database."""
