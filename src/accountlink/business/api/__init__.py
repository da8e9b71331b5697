"""The JSON API of Loop for Business (django-ninja), at ``/api/v1/``."""
