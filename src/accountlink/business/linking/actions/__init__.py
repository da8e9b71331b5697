"""Every change to a link (STYLE rule 1), one module per capability.

- ``link``: Link Loop account and Continue with Loop store a new link, or refuse it.
- ``choice``: Continue with Loop for a Loop account that is not linked holds what Loop gave while the
  person chooses (a new business account, an existing one to log in to and link, or the stranded
  account it was linked to before), for that browser only, briefly and once.
- ``unlink``: the holder's Unlink dialog and the staff unlink end a link; ``do_end_link`` is the
  one way a link ends, whoever ends it.
- ``revocation``: Loop is told (RFC 7009) about every grant this platform does not keep; the
  hold on codes and tokens that a flow has not kept yet.
- ``refresh``: a link's tokens and profile, kept fresh by a worker.
- ``reconciliation``: Loop says a grant is gone (its webhook, its log of ended grants, or its answer
  about a link); ``reconcile_state`` keeps how far the log was read and the lease of a pass.

What the worker sends to Loop for these actions is in ``linking.senders``; what pages read is in
``linking.queries``.
"""
