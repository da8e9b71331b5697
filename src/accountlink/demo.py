"""Facts about the demo data shared by the CLI and both platforms' ``load_demo`` (DESIGN §12)."""

DEMO_PASSWORD = "loop-demo-2468"
# The operator's Loop account: it owns Loop for Business in Loop for Developers.
OPERATOR_HANDLE = "loopdev"
