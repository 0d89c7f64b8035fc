"""The service's tests: inprocess/ (the test client), system/ (real programs), support/."""
