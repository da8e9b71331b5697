"""Every login writes ``last_login`` into the account's row. PostgreSQL fills a table's pages whole
(fillfactor 100) unless told otherwise, so on a full page the new row version goes to another page and
every index of the table gets an entry for it, the trigram and prefix indexes of names too: at a
million accounts loaded with COPY, that one-row update took 0.41 ms at 1k and 1.33 ms at 1M (bench/
scale.py). With a tenth of each page left free the update stays on its page and touches no index (a
HOT update; 0.45 → 0.11 ms median on a scratch table of 300,000 rows). Pages written from now on keep
that room; existing ones get it when rewritten (``VACUUM FULL`` or pg_repack, docs/deploy.md).
SQLite has no such setting.
"""

from django.db import migrations

from accountlink.kit.migration_ops import fill_pages_to


class Migration(migrations.Migration):
    dependencies = [("loop_accounts", "0003_name_prefix_index")]

    operations = [fill_pages_to("loop_accounts_loopaccount", 90)]
