"""Signed-in browsers of an account (DESIGN §8): a registry of every session, what people see and
end on **Manage devices** (Loop) and **Sessions** (Loop for Business), the ending of every session
when an account is suspended, deleted or restored, the security alert for a login from a new
browser, and the recent authentication that sensitive changes ask for ("Confirm it's you").

Every login (Django's ``user_logged_in``) gets a row, whose id the session keeps; the middleware
refuses a signed-in session without a live row, so a session that was ended never works again.
"""
