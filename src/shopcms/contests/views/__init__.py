"""The contests' pages.

Public: ``public`` (the list, a contest and its entry form, the rules, "check your mail")
and ``confirm`` (the mailed link's page).  The desk: ``desk`` and ``desk_edit`` (editors:
the list, a new contest, writing, preview, publication) and ``judging`` (the contest's
judges: closing, the ranking, the winners)."""
