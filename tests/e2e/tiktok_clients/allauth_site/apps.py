from __future__ import annotations

import os

from django.apps import AppConfig


class AllauthSiteConfig(AppConfig):
    name = "tests.e2e.tiktok_clients.allauth_site"
    label = "allauth_site"

    def ready(self) -> None:
        # The only change to the library: its base URLs. The adapter hard-codes TikTok's hosts as class
        # attributes, so they are set here, keeping TikTok's paths.
        from allauth.socialaccount.providers.tiktok.views import TikTokOAuth2Adapter

        loop = os.environ["TIKTOK_SITE_LOOP_URL"].rstrip("/")
        TikTokOAuth2Adapter.authorize_url = f"{loop}/v2/auth/authorize/"
        TikTokOAuth2Adapter.access_token_url = f"{loop}/v2/oauth/token/"
        TikTokOAuth2Adapter.profile_url = f"{loop}/v2/user/info/"
