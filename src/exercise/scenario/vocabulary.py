"""The closed lists a measure is described by: toolbox, category, decision procedure.

Plain ``Literal`` types with no models around them, so that the CLI can offer them as
choices (``exercise catalogue --toolbox``) without building every scenario model first.
"""

from __future__ import annotations

from typing import Literal

Toolbox = Literal[
    "hybrid", "fimi", "cdt", "dsa", "cer_nis2", "elections", "shield", "media", "justice", "nato", "trade",
    "national",
]
Category = Literal[
    "preventive", "cooperative", "stability", "restrictive", "recovery",
    "solidarity", "awareness", "resilience", "disruption", "regulatory",
]
Procedure = Literal[
    "unanimity", "consensus", "qualified_majority", "simple_majority", "single_body", "on_request",
    "voluntary",
]
