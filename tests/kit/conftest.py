from tests.consumer.conftest import *  # noqa: F403  (the kit is tested on the consumer platform)
