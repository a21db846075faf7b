"""Report layer: After-Action Report / Improvement Plan from a journal. No Textual here.

Modules are imported where used: the CLI lists the formats (``exporters``) without
loading jinja2 and the chart library.
"""
