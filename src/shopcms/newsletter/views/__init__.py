"""The newsletter's public pages: subscribe (``subscribe``), confirm (``confirm``), the
subscriber's page (``preferences``), unsubscribe and the RFC 8058 one-click
(``unsubscribe``)."""
