"""The help articles (issue 6), installed on both platforms: what an article is made of (``parts``),
every article (``content/``), which section explains each error (``topics``), and how a page finds
and shows them (``articles``). Loop for Business serves them in its help center
(``accountlink.helpcenter``); Loop shows its own few (``consumer/help_pages.py``).
"""
