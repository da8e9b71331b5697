"""Loop for Business's help center (issue 6): the index, search and article pages at ``/help/``, and
**Was this helpful?** votes. The articles themselves are ``accountlink.helpcontent``, which both
platforms install."""
