"""The staff consoles' addresses, inside the ``business`` namespace (business/urls.py includes them)."""

from django.urls import path

from . import views

urlpatterns = [
    # Support agents
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/accounts/<int:account_id>/", views.staff_account, name="staff_account"),
    path(
        "staff/accounts/<int:account_id>/revocations/<int:revocation_id>/",
        views.staff_revocation,
        name="staff_revocation",
    ),
    path(
        "staff/accounts/<int:account_id>/revocations/<int:revocation_id>/replay/",
        views.replay_revocation,
        name="staff_revocation_replay",
    ),
    path("staff/cases/<int:case_id>/", views.staff_case, name="staff_case"),
    path("staff/cases/<int:case_id>/evidence/", views.record_evidence, name="staff_case_evidence"),
    path("staff/cases/<int:case_id>/approve/", views.approve_case, name="staff_case_approve"),
    path("staff/cases/<int:case_id>/decline/", views.decline_case, name="staff_case_decline"),
    # Account managers
    path("staff/managed/", views.staff_managed, name="staff_managed"),
    path("staff/managed/<int:account_id>/", views.staff_managed_account, name="staff_managed_account"),
    path("staff/managed/<int:account_id>/unlink/", views.unlink_managed_account, name="staff_managed_unlink"),
]
