"""The pages of Loop for Developers, one module per part: apps, the client secret, webhooks."""
