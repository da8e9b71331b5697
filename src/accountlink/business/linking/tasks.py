"""Background work of the linking app (STYLE rule 4: thin)."""

from __future__ import annotations

from django_tasks import task

from accountlink.kit.crypto import open_sealed


@task()
def revoke_loop_token(sealed_token: str) -> None:
    """Revoke, at Loop, the grant a token belongs to (RFC 7009). Failing raises, so the worker records it."""
    from . import provider

    provider.revoke(open_sealed(sealed_token))
