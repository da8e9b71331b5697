"""``/api/v1/``: the NinjaAPI instance and its routes (see ``endpoints.py``)."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(title="Loop for Business API", version="1", urls_namespace="api")

# ``api.urls`` is (patterns, app_name, namespace): included as a namespace so the docs can reverse it.
urlpatterns = [path("", api.urls)]
