"""Screens of the facilitator console."""
