"""The tour's people, made in one platform's database through that platform's own actions.

:func:`accountlink.devtools.tour.make_people` runs ``python -m accountlink.devtools.tour_accounts``
in each platform's environment (``processes.platform_env``), with what to make as JSON on stdin:
``{"platform": "consumer" | "business", "language": "ja", "password": "…", "people": [{"handle",
"name", "loop", "business"}, …]}``.
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable
from typing import Any

# Old enough to link (R4), the same for every tour.
BIRTH_DATE = datetime.date(1990, 5, 20)

# Each platform's actions are imported in that platform's process only: one Django process holds
# one platform's models (DESIGN §10).


def create_loop_accounts(people: list[dict[str, str]], *, password: str, language: str) -> None:
    from accountlink.consumer.accounts.actions import do_create_account

    for person in people:
        do_create_account(
            handle=person["handle"],
            display_name=person["name"],
            email=person["loop"],
            birth_date=BIRTH_DATE,
            password=password,
            language=language,
        )


def create_business_accounts(people: list[dict[str, str]], *, password: str, language: str) -> None:
    from accountlink.business.accounts.actions import do_create_account

    for person in people:
        do_create_account(email=person["business"], password=password, display_name=person["name"], language=language)


CREATE: dict[str, Callable[..., None]] = {"consumer": create_loop_accounts, "business": create_business_accounts}


def main() -> None:
    import django

    django.setup()
    request: dict[str, Any] = json.load(sys.stdin)
    CREATE[request["platform"]](request["people"], password=request["password"], language=request["language"])


if __name__ == "__main__":
    main()
