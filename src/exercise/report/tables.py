"""The report's appendix tables as plain rows, and its closing parts, for the formats that lay out
tables themselves (Word and PDF): one list, so that both carry what the HTML carries.

The HTML and Markdown templates keep their own richer markup; ``tests/test_formats.py`` reads
the Word, PDF and HTML of one session back and checks each holds the same headings, notes and
names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercise.report.model import Report

SIMULATION = "What the simulation shows"


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    empty: str = "None."  # what is said instead of an empty table


def simulation_tables(r: Report) -> list[Table]:
    """The tables under "What the simulation shows", in the HTML's order."""
    return [
        Table("Detection to first response", ["Campaign", "Domain", "First detected", "First response",
                                              "Time to respond"],
              [[c.name, c.domain, c.first_detected_clock or "never",
                f"{c.first_response} ({c.first_response_team})" if c.first_response else "none",
                c.time_to_respond_text or "-"] for c in r.detection_to_response]),
        Table("Ground truth and what players saw", ["Stage", "Started", "Outcome", "Detected", "Latency",
                                                    "Countered by"],
              [[g.stage, g.started_clock, g.outcome or "-", g.detected_clock or "never", g.latency_text or "-",
                ", ".join(g.countered_by) or "-"] for g in r.ground_truth]),
        Table("Expected actions and what was taken", ["Inject", "Delivered", "Expected"],
              [[f"{x.inject} {x.title}", x.delivered, "; ".join(
                  f"{e.response}{f' by {e.team}' if e.team else ''} within {e.within}: {e.status}"
                  + (f" after {e.latency}" if e.latency else "") for e in x.expects)] for x in r.expected_vs_taken]),
        Table("Decisions", ["At", "Team", "Answered by", "Decision", "Chosen", "Rationale", "Deliberated (real time)"],
              [[d.at, d.team, d.taken_by, f"{d.inject}: {d.prompt}",
                d.option_label + (" (default at the deadline)" if d.by == "default" else ""), d.rationale,
                d.deliberation or "-"] for d in r.decisions], "No decision point was answered."),
        Table("Toolbox gap analysis", ["Measure", "Toolbox", "Team", "Given by", "At", "Outcome", "Lead time",
                                       "Needed within"],
              [[f"{m.response} {m.name}", m.toolbox, m.team, m.taken_by, m.at,
                m.outcome + (f": {m.reason}" if m.reason else ""),
                (m.lead_time or "-") + (" (too slow)" if m.too_slow else ""), m.needed_within or "-"]
               for m in r.toolbox_gaps.measures], "No measure was taken or attempted."),
        Table("Timeline", ["Time", "Kind", "Event"], [[row.clock, row.kind, row.text] for row in r.timeline]),
    ]


def notes_lines(r: Report) -> list[str]:
    """Every note and observation, with who wrote it, then the facilitator's adjustments."""
    return [f"{n.clock}, {n.by}: {n.text}" for n in r.notes] + \
        [f"{a.clock}: {a.what}. Why: {a.reason}" for a in r.adjustments]


# Acronyms a reader of an EU hybrid-threat AAR may meet, and what they stand for.
ACRONYMS = {
    "AAR": "After-Action Report", "IP": "Improvement Plan", "HSEEP": "Homeland Security Exercise and Evaluation "
    "Program", "TLP": "Traffic Light Protocol", "FIMI": "Foreign Information Manipulation and Interference",
    "CSIRT": "Computer Security Incident Response Team", "DSA": "Digital Services Act", "DSC": "Digital Services "
    "Coordinator", "VLOP": "Very Large Online Platform", "NIS2": "Directive (EU) 2022/2555 on network and "
    "information security", "CER": "Critical Entities Resilience Directive", "RAS": "Rapid Alert System",
    "EEAS": "European External Action Service", "INTCEN": "EU Intelligence and Situation Centre", "IPCR":
    "Integrated Political Crisis Response", "HWP ERCHT": "Horizontal Working Party on Enhancing Resilience and "
    "Countering Hybrid Threats", "PSC": "Political and Security Committee", "CFSP": "Common Foreign and Security "
    "Policy", "ERCC": "Emergency Response Coordination Centre", "UCPM": "Union Civil Protection Mechanism",
    "EU-CyCLONe": "European Cyber Crisis Liaison Organisation Network", "ENISA": "EU Agency for Cybersecurity",
    "EDMO": "European Digital Media Observatory", "ECNE": "European Cooperation Network on Elections", "JIT":
    "Joint Investigation Team", "NATO": "North Atlantic Treaty Organization", "DDoS": "Distributed Denial of "
    "Service", "ICS": "Industrial Control Systems", "GNSS": "Global Navigation Satellite System", "STIX":
    "Structured Threat Information Expression", "ATT&CK": "MITRE Adversarial Tactics, Techniques and Common "
    "Knowledge", "DISARM": "Disinformation Analysis and Risk Management framework", "TSO": "Transmission System "
    "Operator", "OBJ": "exercise objective", "INJ": "inject",
}


def acronyms(text: str) -> list[tuple[str, str]]:
    """The acronyms that occur in ``text`` (the report as written), with what they stand for."""
    return sorted((a, meaning) for a, meaning in ACRONYMS.items()
                  if re.search(rf"(?<![\w&-]){re.escape(a)}(?![\w&])", text))


def conclusion(r: Report) -> str:
    """HSEEP's conclusion: how the objectives went, what most needs work, and what comes next."""
    judged = [o for o in r.objectives if o.rating]
    met = [o.id for o in judged if o.rating in ("P", "S")]
    short = [o.id for o in judged if o.rating in ("M", "U")]
    parts = [f"Of {len(r.objectives)} objectives, {len(met)} were performed with at most minor challenges"
             + (f" ({', '.join(met)})" if met else "")
             + (f" and {len(short)} with major challenges or not performed ({', '.join(short)})" if short else "")
             + "."]
    specific = [p for p in r.improvement_plan if not p.generic]
    if specific:
        owners = sorted({p.organisation for p in specific})
        parts.append(f"The improvement plan holds {len(r.improvement_plan)} corrective "
                     f"action{'s' if len(r.improvement_plan) != 1 else ''}; the specific ones fall to "
                     f"{'; '.join(owners)}.")
    else:
        parts.append("No specific corrective action came out of this session.")
    parts.append("The hot wash confirms the plan's owners, points of contact and dates; the next exercise "
                 "should test the corrected procedures against the same injects.")
    return " ".join(parts)
