"""Webhooks have no tasks of their own: they are outbound calls, made by ``kit.outbound.tasks``."""
