"""gunicorn's gthread worker, made to stop listening at once on a graceful stop."""

from gunicorn.workers.gthread import ThreadWorker


class GracefulThreadWorker(ThreadWorker):
    """On SIGTERM, stock gthread stops polling its listening socket but keeps it open
    until its last request is answered: meanwhile the kernel goes on completing new
    connections that nobody will read, and resets them at exit. This worker accepts
    what the kernel had already queued (those requests are answered like the others),
    then closes the socket, so that later connections are refused at once and a load
    balancer moves on.
    """

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
