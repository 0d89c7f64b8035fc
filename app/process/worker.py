"""gunicorn's gthread worker, made to stop listening at once on a graceful stop and to
answer its own errors (a request line or headers over the limits, say) as plain text."""

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from ..forms import CONTROL


def write_plain_error(sock, status_int, reason, mesg):
    """gunicorn's error answer, as the API's: one line of text/plain, not an HTML page."""
    line = CONTROL.sub("?", f"{reason.lower()}: {mesg}" if mesg else reason.lower())[:300]
    body = (line + "\n").encode("utf-8")
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


class GracefulThreadWorker(ThreadWorker):
    """On SIGTERM, stock gthread stops polling its listening socket but keeps it open
    until its last request is answered: meanwhile the kernel goes on completing new
    connections that nobody will read, and resets them at exit. This worker accepts
    what the kernel had already queued (those requests are answered like the others),
    then closes the socket, so that later connections are refused at once and a load
    balancer moves on.
    """

    def init_process(self):
        # gunicorn writes its errors through this module function: in this process
        # (a worker, after the fork) it writes ours.
        util.write_error = write_plain_error
        super().init_process()

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled)
        if enabled or self.alive:
            return  # not stopping: only too many connections for now
        for listener in self.sockets:
            while True:
                queued = self.nr_conns
                self.accept(listener)  # non-blocking; takes one queued connection, if any
                if self.nr_conns == queued:
                    break
            listener.close()
