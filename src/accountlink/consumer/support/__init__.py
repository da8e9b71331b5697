"""Loop's support console (issue 5): find accounts, suspend and restore them, decide support cases."""
