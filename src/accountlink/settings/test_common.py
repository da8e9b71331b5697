"""What both test settings share."""

from .base import LOGGING as BASE_LOGGING

# Tests see the real logic and the real log filters, but logging stays quiet.
LOGGING = {**BASE_LOGGING, "handlers": {}, "root": {"level": "WARNING"}}

# Argon2 at the production cost (19 MiB, ~30 ms of CPU a hash) took a third of the suites' time: every
# account a test makes and every login hashes. Django's advice for test runs is a fast hasher; the
# tests of hashing itself (cost, rehash, memory: tests/kit/test_login_cost.py, tests/system) and the
# browser tests, which run the production settings, use the production hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# WhiteNoise lists and stats every static file when its middleware starts, and the test client starts the
# middleware anew for each client: that scan was a third of the suites' time. Looking a file up when it
# is asked for, as in development, costs nothing for the pages the tests fetch.
WHITENOISE_AUTOREFRESH = True
