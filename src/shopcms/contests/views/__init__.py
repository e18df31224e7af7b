"""The contests' views: ``desk`` (editors: the list, a new contest, writing, preview,
publication) and ``judging`` (the contest's judges: closing, the ranking, the winners)."""
