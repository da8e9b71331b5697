"""What both test settings share."""

# Tests see the real logic, but logging stays quiet.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
