"""Facts about the demo data shared by the CLI and both platforms' ``load_demo`` (DESIGN §12)."""

DEMO_PASSWORD = "loop-demo-2468"
