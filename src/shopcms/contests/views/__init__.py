"""The contests' pages: the public ones (``public``: the list, a contest and its entry
form, the rules, "check your mail"; ``confirm``: the mailed link's page)."""
