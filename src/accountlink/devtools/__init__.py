"""Tools that run the system from outside, as a person or an operator would: the processes of
``accountlink up`` and how they are prepared (``processes``, ``system``), and the help articles'
walker, its tour and the screenshots it takes (``walker``, ``tour``, ``screenshots``).

The web apps never import this package (tests/system/test_architecture.py keeps the import graph
free of cycles); the ``accountlink`` command and the tests do.
"""
