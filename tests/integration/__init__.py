"""Tests of the integration: a real Home Assistant against the simulator over 127.0.0.1."""
