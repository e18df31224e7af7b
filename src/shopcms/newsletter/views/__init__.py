"""The newsletter's pages: the campaign desk (``desk``, ``desk_campaign``) and the click
counter's redirect (``go``)."""
