from typing import Any
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

def test_smoke(client: Any, signed_in: Any, sent: Any, run_tasks: Any) -> None:
    r = client.get(reverse("business:adsmanager"))
    assert r.status_code == 200
    print(r.content.decode()[:3000])
