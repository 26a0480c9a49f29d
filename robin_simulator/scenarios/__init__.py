"""The organizations the simulator can serve."""

from .building import Scenario
from .demo import build_demo
from .large import build_large

__all__ = ["Scenario", "build_demo", "build_large"]
