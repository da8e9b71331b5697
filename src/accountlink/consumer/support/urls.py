"""Loop's support console, included by ``consumer/urls.py`` inside the ``loop`` namespace."""

from .views import console

urlpatterns = console.urls()
