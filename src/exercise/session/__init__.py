"""Session layer: runs of the engine driven by playbooks, Monte Carlo batches, timelines."""

from exercise.session.headless import Outcome, outcome, simulate
from exercise.session.policy import apply_playbook

__all__ = ["Outcome", "apply_playbook", "outcome", "simulate"]
