"""The views of accounts: thin, each parses its form, calls the domain modules of
accounts (``authentication``, ``registration``, ``security``, ``saved_details``,
``consents``, ``order_history``, ``data_export``, ``privacy_requests``, ``roles``) and
renders.

- public pages: ``login`` (and its second step), ``registration``, ``verification``,
  ``reset``, and the mailed link of a new address (``email_address``);
- the customer's own area, ``/{lang}/account/`` (``area``): ``overview``, ``orders`` (and
  saved payment methods), ``addresses``, ``preferences``, ``security`` with ``password``,
  ``email_address`` and ``second_factor``, ``consents`` (the privacy page), ``rights``
  (export, deleting the account);
- management: ``manage`` (roles), the privacy desk (``privacy_desk``, ``desk_customer``,
  ``desk_guest``).

``common`` holds what they share: the answers of the mailed-link pages, marking a field of
a validated form, the button forms' check.
"""
