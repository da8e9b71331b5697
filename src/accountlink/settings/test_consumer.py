"""The consumer platform under pytest: a throwaway data directory and fixed test secrets."""

import os
import tempfile

os.environ.setdefault("ACCOUNTLINK_DATA_DIR", tempfile.mkdtemp(prefix="accountlink-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-consumer-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("ACCOUNTLINK_DEMO_MODE", "1")

from .consumer import *  # noqa: F403
from .test_common import *  # noqa: F403
