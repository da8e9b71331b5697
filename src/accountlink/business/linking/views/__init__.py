"""The link pages of Loop for Business.

- ``start``: the buttons that go to Loop's consent screen (Link Loop account, Continue with Loop,
  Confirm it's you with Loop, Verify with Loop), and ``callback``: where Loop sends the browser back
  and each of those flows finishes. ``flow`` is what the two share: the flow in the browser session.
- ``choice``: Continue with Loop for a Loop account that is not linked asks what to do with it.
- ``unlink``: the Unlink Loop account dialog over Personal information.
"""
