"""The staff consoles' addresses, inside the ``business`` namespace (business/urls.py includes them):
the support agents' at ``/staff/``, the account managers' at ``/staff/managed/``."""

from . import managed_views, views

urlpatterns = [*views.console.urls(), *managed_views.console.urls()]
