"""What the help center changes (STYLE rule 1): votes."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from .models import ArticleVote

# New visitors from one network whose votes count, per article and day: a household or an office
# shares an address, and a script that drops the cookie on every vote gets no further.
VOTES_PER_NETWORK_PER_DAY = 3


def do_vote(article: str, *, visitor: str, network: str, helpful: bool) -> bool:
    """Record the visitor's answer to **Was this helpful?**; a second answer replaces the first.

    ``network`` is the keyed hash of the day and the visitor's network. A visitor new to the article
    takes one of that network's slots for the day; when they are all taken the vote is not counted
    (False). The unique constraints decide, so parallel requests cannot take more.
    """
    with transaction.atomic(durable=True):
        if ArticleVote.objects.filter(article=article, visitor=visitor).update(helpful=helpful):
            return True
        taken = ArticleVote.objects.filter(article=article, network=network).count()
        for slot in range(taken, VOTES_PER_NETWORK_PER_DAY):
            try:
                with transaction.atomic():
                    ArticleVote.objects.create(
                        article=article, visitor=visitor, network=network, network_slot=slot, helpful=helpful
                    )
                return True
            except IntegrityError:  # that slot was taken a moment ago, or this visitor's other tab voted
                if ArticleVote.objects.filter(article=article, visitor=visitor).update(helpful=helpful):
                    return True
        return False


def vote_counts(article: str) -> tuple[int, int]:
    """(helpful, not helpful)."""
    counts = ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return counts["yes"], counts["no"]
