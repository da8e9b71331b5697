"""TikTok client libraries written by others, each unchanged but for its base URLs, pointed at a running
Loop: django-allauth's TikTok provider (``allauth_site``), arctic's ``TikTok`` class (``node``), and a
webhook receiver that checks ``TikTok-Signature`` as TikTok's docs say (``webhook_receiver``)."""
