"""Loop's public support pages (kit.support.views): Contact support and the recovery link."""

from django.utils.translation import gettext_lazy

from accountlink.consumer.accounts.lookup import find_account
from accountlink.kit.support.views import SupportPages

support_pages = SupportPages(
    base_template="loop/base.html",
    code_template="loop/code.html",
    identifier_label=gettext_lazy("The account's username, email or phone number"),
    find_account=find_account,
)
