from __future__ import annotations

from django.db import models


class ArticleVote(models.Model):
    """**Was this helpful?**: one vote per visitor per article; voting again changes the vote."""

    article = models.SlugField(max_length=80)
    # A random id kept in a signed cookie: visitors need not log in to vote.
    visitor = models.CharField(max_length=64)
    helpful = models.BooleanField()
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "visitor"], name="one_vote_per_visitor_per_article")]

    def __str__(self) -> str:
        return f"{self.article}: {'yes' if self.helpful else 'no'}"
