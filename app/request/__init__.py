"""What runs on every request, around the views: the key and account, strict bodies and
query strings, Idempotency-Key, cursors, answers and errors, request ids and the access
log, trusted proxies, and the fast path of the hottest reads."""
