"""exercise: a terminal tabletop-exercise simulator for hybrid threats."""

__version__ = "0.1.0"
