"""Django's own Argon2 hasher at accountlink's parameters (kit/passwords.py), and nothing else of it:
each hash runs in the request's thread, as in any Django project."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idAtAccountlinkParameters(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
