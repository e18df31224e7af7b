"""The gift cards' pages: the public balance page (``balance``), the desk (``desk``).
What they show of a card is ``card_values``'s; the account's list is the accounts'."""
