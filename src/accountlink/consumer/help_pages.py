"""Loop's own help pages (issue 6): short articles about Loop screens, such as Manage app
permissions. The help center proper runs on Loop for Business; related articles link there."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accountlink.helpcontent import articles
from accountlink.kit.helplinks import article_url


@require_GET
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = articles.find(slug)
    if article is None or article.platform != "loop":
        raise Http404
    related = [
        (found.title_text(), article_url(found.slug))
        for found in map(articles.find, article.related)
        if found is not None and found.platform == "business"
    ]
    return render(
        request,
        "loop/help_article.html",
        {"article": article, "sections": articles.shown_sections(article), "related": related},
    )
