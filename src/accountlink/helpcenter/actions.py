"""What the help center changes (STYLE rule 1): votes."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from .models import ArticleVote


def do_vote(article: str, *, visitor: str, helpful: bool) -> None:
    """Record the visitor's answer to **Was this helpful?**; a second answer replaces the first."""
    try:
        with transaction.atomic(durable=True):
            updated = ArticleVote.objects.filter(article=article, visitor=visitor).update(helpful=helpful)
            if not updated:
                ArticleVote.objects.create(article=article, visitor=visitor, helpful=helpful)
    except IntegrityError:  # the same visitor's other tab voted at the same moment
        with transaction.atomic(durable=True):
            ArticleVote.objects.filter(article=article, visitor=visitor).update(helpful=helpful)


def vote_counts(article: str) -> tuple[int, int]:
    """(helpful, not helpful)."""
    counts = ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return counts["yes"], counts["no"]
