"""Several teams, one exercise: the host that owns the session, and the clients that join it.

Above the session layer (it reads views and submits commands), below the
console; no Textual here.
"""
