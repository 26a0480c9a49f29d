"""Tests of the Robin API client."""
