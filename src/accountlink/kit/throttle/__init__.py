"""Throttling of online guessing at every door where a person types a secret: ``guard.guard()``
before the secret is checked, then ``failed()`` or ``succeeded()`` on the attempt it returns."""
