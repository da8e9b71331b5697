"""One durable mechanism for every call to the other platform (STYLE rule 13, issue 14).

An action queues a call in its own transaction (:func:`actions.queue_call`); right after the commit
the process that committed makes the first attempt, and a worker task is the durable fallback. An
attempt leases the call, calls outside any transaction, and records itself; a failure is retried with
exponential backoff and jitter, for 72 hours, then the call is *given up* (the reconciliation takes
over, and the staff consoles show it). Staff can replay any call.

What a call does is the business of the platform that queued it: ``ACCOUNTLINK_OUTBOUND_SENDERS``
maps each kind to a sender, ``send(call, timeout) -> HTTP status`` (raising :class:`CallFailed`).
"""
