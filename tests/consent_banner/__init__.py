"""Tests of the consent_banner package."""
