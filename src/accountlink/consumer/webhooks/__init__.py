"""Webhooks out: Loop tells a client app that a holder's authorization was removed (DESIGN §7)."""
