"""The contests' pages: the public ones (``public``: the list, a contest and its entry
form, the rules, "check your mail", the confirmation)."""
