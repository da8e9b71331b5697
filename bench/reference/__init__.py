"""A stock Django project with django-oauth-toolkit, the reference ``bench/tokens.py`` measures
accountlink's token endpoints against (issue 18)."""
