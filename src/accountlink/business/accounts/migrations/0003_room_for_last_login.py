"""Every login writes ``last_login`` into the account's row. PostgreSQL fills a table's pages whole
(fillfactor 100) unless told otherwise, so on a full page the new row version goes to another page and
every index of the table, the case-insensitive ones of addresses too, gets an entry for it. With a
tenth of each page left free the update stays on its page and touches no index (a HOT update; 0.45 →
0.11 ms median on a scratch table of 300,000 rows; Loop's accounts, migration 0004 there). Pages
written from now on keep that room; existing ones get it when rewritten (``VACUUM FULL`` or
pg_repack, docs/deploy.md). SQLite has no such setting.
"""

from django.db import migrations

from accountlink.kit.migration_ops import fill_pages_to


class Migration(migrations.Migration):
    dependencies = [("business_accounts", "0002_case_insensitive_indexes")]

    operations = [fill_pages_to("business_accounts_businessaccount", 90)]
