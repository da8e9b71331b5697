from __future__ import annotations

from django.db import models


class ArticleVote(models.Model):
    """**Was this helpful?**: one vote per visitor per article; voting again changes the vote.

    A visitor who drops the cookie comes back as a new visitor, so new visitors also count against
    their network: at most a few votes per article per day from one network (``network_slot`` 0, 1, …).
    """

    article = models.SlugField(max_length=80)
    # A random id kept in a signed cookie: visitors need not log in to vote.
    visitor = models.CharField(max_length=64)
    # A keyed hash of the day and the client's network (IPv4 address, IPv6 /64); never the address.
    network = models.CharField(max_length=64, blank=True, default="")
    network_slot = models.PositiveSmallIntegerField(null=True, blank=True)
    helpful = models.BooleanField()
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="one_vote_per_visitor_per_article"),
            models.UniqueConstraint(
                fields=["article", "network", "network_slot"], name="few_votes_per_network_per_article_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {'yes' if self.helpful else 'no'}"
