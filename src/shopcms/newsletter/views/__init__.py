"""The newsletter's pages: the public ones, subscribe (``subscribe``), confirm
(``confirm``), the subscriber's page (``preferences``), unsubscribe and the RFC 8058
one-click (``unsubscribe``); the campaign desk (``desk``, ``desk_campaign``) and the click
counter's redirect (``go``)."""
