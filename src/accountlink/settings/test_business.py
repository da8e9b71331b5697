"""The business platform under pytest: a throwaway data directory and fixed test secrets."""

import os
import tempfile

os.environ.setdefault("ACCOUNTLINK_DATA_DIR", tempfile.mkdtemp(prefix="accountlink-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-business-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("ACCOUNTLINK_DEMO_MODE", "1")
# Loop as the tests' fake provider sees it (tests/business/fake_loop.py answers at this address).
os.environ.setdefault("ACCOUNTLINK_LOOP_URL", "https://loop.test")
os.environ.setdefault("ACCOUNTLINK_SITE_URL", "http://testserver")
os.environ.setdefault("ACCOUNTLINK_LOOP_CLIENT_KEY", "test-client-key")
os.environ.setdefault("ACCOUNTLINK_LOOP_CLIENT_SECRET", "test-client-secret")

from .business import *  # noqa: F403
from .test_common import *  # noqa: F403
