"""Webhooks in: Loop tells Loop for Business that a holder removed its access (DESIGN §7)."""
