"""Loop for Developers (``/developers/``): a Loop account registers and manages its apps, the OAuth
clients of Loop: their settings, icon, client secret, and the webhooks Loop sends them."""
