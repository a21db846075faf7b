"""Textual facilitator console. The only layer that imports Textual."""
