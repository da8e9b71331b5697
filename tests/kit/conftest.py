"""The kit is tested on the consumer platform, with Loop's fixtures, imported by name (STYLE rule 14)."""

from tests.consumer.conftest import browser, http, loop_account, make_loop_account  # noqa: F401
from tests.django_fixtures import default_language, metrics_on, other_platform, outbox, run_tasks, sent  # noqa: F401
