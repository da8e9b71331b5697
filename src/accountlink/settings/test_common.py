"""What both test settings share."""

from .base import LOGGING as BASE_LOGGING

# Tests see the real logic and the real log filters, but logging stays quiet.
LOGGING = {**BASE_LOGGING, "handlers": {}, "root": {"level": "WARNING"}}
