"""The purposes of processing: why the shop keeps each kind of personal data.

This registry is the record of processing activities (GDPR art. 30) in code, beside the
cookie registry: each purpose names its legal basis, the data it uses, how long that data
is kept and, per language, what it means for the customer.  Personal data is stored only for
a purpose declared here; a purpose whose basis is consent is used only while the customer's
consent ledger (``shopcms.privacy.ledger``) says it is given.  The admin page
``/manage/privacy/purposes`` renders it.

The legal period for the accounts, invoices first (``INVOICES``): 10 years from 1 January
of the year after the invoice's date (Belgian VAT Code, art. 60, as amended by the law of
20 November 2022; it was seven before 1 January 2023).  Orders, business details, withdrawals and
bank statement lines belong to the order and are kept as long.
"""

# The shapes the record is written in (``basis``), here too for those who read the record.
from shopcms.privacy.basis import BASIS_TITLES, Basis, Purpose  # noqa: F401
from shopcms.web.cookies import Category
from shopcms.web.i18n import _

ORDER = "order_fulfilment"
INVOICES = "invoices"
BUSINESS = "business_details"
WITHDRAWALS = "withdrawals"
BANK_TRANSFERS = "bank_transfers"
ACCOUNT_DATA = "account_data"
PERSONALISATION = "personalisation"
NEWSLETTER = "newsletter"
CONTEST_MARKETING = "contest_marketing"
CONTESTS = "contests"
STATISTICS = "statistics"
REVIEWS = "reviews"
STOCK_ALERTS = "stock_alerts"
GIFT_CARDS = "gift_cards"
LOGIN_PROTECTION = "login_protection"
ABUSE_LIMITS = "abuse_limits"
COOKIES_FUNCTIONAL = "cookies_functional"
COOKIES_PERSONALISATION = "cookies_personalisation"
COOKIES_STATISTICS = "cookies_statistics"

PURPOSES = {
    p.name: p
    for p in (
        # The order's data includes the discount codes it used and, on each promotion, how
        # often a customer used it (shopcms.promotions: the uses per customer; exported and
        # forgotten through its contributor).
        Purpose(
            ORDER,
            Basis.CONTRACT,
            _("Delivering your order"),
            _(
                "We use your details to deliver and invoice what you ordered, to keep you "
                "informed of your order by email and to handle a withdrawal or refund."
            ),
            _(
                "Name, email, phone, delivery and billing address, the order, its payment and "
                "refunds, the carrier's tracking number"
            ),
            _(
                "Orders are kept for the accounts 10 years from 1 January of the year after "
                "their invoice (Belgian VAT Code, art. 60), then deleted; after an erasure "
                "request without your name, email, phone or address (the invoice keeps your "
                "name and address)."
            ),
            _(
                "The payment provider (Mollie) for online payments and their refunds: amount "
                "and order number; the carrier: name, delivery address and phone."
            ),
        ),
        # shopcms.invoicing: an invoice for every paid order, a credit note for every
        # refund, in series of their own; ``shopcms retention`` deletes them (and the
        # anonymised orders they belong to) after the legal period.  Erasure keeps them.
        Purpose(
            INVOICES,
            Basis.LEGAL,
            _("Invoices and credit notes"),
            _(
                "An invoice for every paid order and a credit note for every refund, with "
                "the mentions Belgian VAT law requires, kept for the accounts. We send them "
                "only to you, attached to the order's emails (a PDF; for a business customer "
                "also the e-invoice in the Peppol UBL format). We must show our accounts, "
                "invoices included, to the tax authorities when they ask."
            ),
            _(
                "Your name and billing address, for a business its name and VAT number, the "
                "lines, VAT rates and amounts, the invoice's number and date"
            ),
            _(
                "10 years from 1 January of the year after the invoice's date (Belgian VAT "
                "Code, art. 60, as amended by the law of 20 November 2022), also after an "
                "erasure request: your name and address stay on the invoice."
            ),
            _("Nobody but you; the tax authorities if they inspect our accounts."),
        ),
        # shopcms.orders.business: the company name and VAT number a business gives at
        # checkout (or in its account's saved details, under ACCOUNT_DATA).
        Purpose(
            BUSINESS,
            Basis.LEGAL,
            _("Invoicing a business"),
            _(
                "If you buy for a company, its name and VAT number go on the invoice, as the "
                "law requires, and decide the VAT: a valid VAT number of another EU country "
                "means reverse charge. We check the number's format and check digits, not "
                "with the EU's VIES service; our staff may confirm it, and the order records "
                "who did. Giving them is your choice, made with your order (the contract)."
            ),
            _("The company's name and VAT number, whether and by whom it was confirmed"),
            _(
                "With the order and its invoice: 10 years from 1 January of the year after "
                "the invoice, also after an erasure request. In your account's saved details "
                "until you remove them or delete your account."
            ),
        ),
        # shopcms.orders.withdrawal: the statement of withdrawal and the goods' return.
        Purpose(
            WITHDRAWALS,
            Basis.LEGAL,
            _("Withdrawals and returns"),
            _(
                "When you withdraw from a purchase within the 14 days the law grants, we "
                "record your statement, acknowledge it by email at once, note when the goods "
                "come back and refund you. This is part of the contract and of our legal "
                "obligations to a consumer."
            ),
            _(
                "The order, the lines and quantities you withdraw from, the reason if you give "
                "one, when you stated it and how (your account or the link in the mail), when "
                "the goods came back"
            ),
            _(
                "With the order: 10 years from 1 January of the year after its invoice; after "
                "an erasure request without the reason you gave."
            ),
        ),
        # shopcms.orders.statements (bank statements: CSV, CODA, CAMT.053) and the refunds
        # by credit transfer (pain.001, shopcms.orders.payments.sepa).
        Purpose(
            BANK_TRANSFERS,
            Basis.CONTRACT,
            _("Payments and refunds by bank transfer"),
            _(
                "When you pay by transfer, we read our bank statement to match your payment "
                "to your order by its structured communication and amount, and keep the "
                "statement line with the order: to find the payment again, for the accounts, "
                "and to refund to the account you paid from."
            ),
            _(
                "From the bank statement: the payer's name and account number (IBAN), the "
                "amount, date and communication; for a refund by transfer, the IBAN you give "
                "us"
            ),
            _(
                "With the order: 10 years from 1 January of the year after its invoice "
                "(accounting records), also after an erasure request."
            ),
            _("Our bank, for a refund by transfer: your name, IBAN and the amount."),
        ),
        Purpose(
            ACCOUNT_DATA,
            Basis.CONSENT,
            _("Keeping your details for next orders"),
            _(
                "With your account we keep your addresses, phone and payment methods so you "
                "need not type them again."
            ),
            _(
                "Addresses, phone, saved payment methods (the provider's token, never a "
                "card number)"
            ),
            _("Until you withdraw this consent or delete your account."),
        ),
        Purpose(
            PERSONALISATION,
            Basis.CONSENT,
            _("Personal recommendations"),
            _("We suggest products from what you ordered and looked at."),
            _("Your orders and recently viewed products"),
            _("Until you withdraw this consent or delete your account."),
        ),
        # shopcms.newsletter: the subscription (double opt-in), its ledger, the suppression
        # list; shopcms.newsletter.privacy exports and erases them, ``shopcms retention``
        # deletes the unconfirmed requests (tokens.CONFIRM_MAX_AGE: 7 days).
        Purpose(
            NEWSLETTER,
            Basis.CONSENT,
            _("Newsletter"),
            _(
                "News and offers from Soft Cactus by email, only after you confirmed your "
                "subscription with the link in the mail we send you; unsubscribe at any "
                "time. An address to which mail is refused for good (a hard bounce) is put "
                "on the list of addresses we never mail again."
            ),
            _(
                "Email address, language, where and when you subscribed and confirmed, and "
                "the record of your consent with the version of the privacy statement"
            ),
            _(
                "Until you unsubscribe; then only the entry on the list of addresses we never "
                "mail again (the address, the reason, the date and the record of the consent "
                "given and withdrawn), so that we never mail you again; after an erasure "
                "request only a keyed hash of the address. A subscription not confirmed is "
                "deleted after 7 days."
            ),
        ),
        Purpose(
            CONTEST_MARKETING,
            Basis.CONSENT,
            _("Contest news"),
            _("Mail about our contests and their results."),
            _("Email address, name"),
            _("Until you withdraw this consent."),
        ),
        # shopcms.contests: an entry and what it says of its entrant; shopcms.contests.privacy
        # exports and erases the entries, ``shopcms retention`` purges them
        # (``contests.api.purge_expired``).  Not CONTEST_MARKETING (mail about contests).
        Purpose(
            CONTESTS,
            Basis.CONSENT,
            _("Taking part in a contest"),
            _(
                "Running the contest you enter: confirming your entry, ranking the entries, "
                "telling the winners and announcing them by first name, initial and town, and "
                "delivering their prizes. The response to our campaigns is measured only as "
                "counts per campaign link and day, never who. Taking part never requires a "
                "purchase, an account or a newsletter subscription."
            ),
            _(
                "Name, postal address, email address, language, the answer to the question, "
                "the estimate, the campaign tag of the link you followed, when the entry was "
                "sent and confirmed"
            ),
            _(
                "An entry not confirmed is deleted when its link expires (7 days) or when the "
                "contest is closed; the others 60 days after the winners are announced; a "
                "winner's name, address and email address 60 days after the prize was "
                "delivered. Only the counts per campaign and day and the winners' first name, "
                "initial and town stay."
            ),
            _("The carrier, for a winner's prize: name and postal address."),
            consent_by_act=True,
        ),
        # shopcms.reviews: the review and what it shows of its author.
        Purpose(
            REVIEWS,
            Basis.CONSENT,
            _("Your reviews"),
            _(
                "The reviews you write about our products, published after moderation with "
                "your name, your first name and initial, your initials or no name at all, "
                "as you choose; we mail you when it is received, published or rejected."
            ),
            _(
                "The rating and text, the language, the name as you chose to show it, your "
                "email address (for the three mails) and whether you bought the product"
            ),
            _(
                "While it is published, hidden by our moderation or being checked; 30 days "
                "after you withdraw it or we reject it or mark it as spam. When you delete "
                "your account it is deleted, or kept without any name if you ask."
            ),
            consent_by_act=True,
        ),
        # shopcms.stockalerts: an alert (double opt-in unless it is the logged-in customer's
        # own address), mailed once and deleted when the product is back; its privacy module
        # exports and erases them, ``shopcms retention`` purges the expired ones.
        Purpose(
            STOCK_ALERTS,
            Basis.CONSENT,
            _("Back-in-stock alerts"),
            _(
                "One email when a product that is out of stock is back, if you asked for it "
                "on the product's page (a guest first confirms the address with the link we "
                "mail)."
            ),
            _("Email address, the product, the language, when you asked and confirmed"),
            _(
                "Deleted when the email is sent; an alert not confirmed after 7 days; a "
                "confirmed alert after 12 months if the product does not come back."
            ),
            consent_by_act=True,
        ),
        # shopcms.giftcards: a sold card keeps its buyer's account and order (never its
        # code); its privacy module exports them and forgets the buyer on erasure.
        Purpose(
            GIFT_CARDS,
            Basis.CONTRACT,
            _("Gift cards"),
            _(
                "A gift card you buy is issued with its order: we keep which account bought "
                "it and with which order, to send you its code, show your cards in your "
                "account and answer your questions about them. We never keep the code itself."
            ),
            _("The account and the order that bought the card, its value, balance and expiry"),
            _(
                "With the card for as long as it can be spent; the order for as long as the "
                "accounts keep it (10 years). After an erasure request the card no longer "
                "names its buyer."
            ),
        ),
        Purpose(
            STATISTICS,
            Basis.LEGITIMATE,
            _("Anonymous visit statistics"),
            _(
                "Counts of visits and pages, without your address or any identifier, to "
                "improve the shop."
            ),
            _("Nothing that identifies you: daily counts only"),
            _("25 months per day, then per month."),
        ),
        # shopcms.accounts.throttle and shopcms.accounts.devices.
        Purpose(
            LOGIN_PROTECTION,
            Basis.LEGITIMATE,
            _("Protecting accounts against password guessing"),
            _(
                "Failed logins are counted per account and per IP address, or per browser "
                "that logged in before, to slow down whoever guesses passwords; a browser "
                "that logged in gets a security cookie so that its owner can still log in."
            ),
            _(
                "A keyed hash of the email address, the IP address or the browser's cookie "
                "(never the address itself), the number of failed logins and the time of "
                "the last one"
            ),
            _(
                "24 hours after the last failed login; a successful login erases the "
                "account's at once. The security cookie: 180 days on your device."
            ),
        ),
        # shopcms.web.limits: the gift cards' codes tried, the reviews' votes and reports,
        # the contests' entries (per connection) and the account mails (per address).
        Purpose(
            ABUSE_LIMITS,
            Basis.LEGITIMATE,
            _("Slowing down abuse"),
            _(
                "How often a connection tries gift card codes, votes or reports in the "
                "reviews or enters a contest, and how many account e-mails are asked for an "
                "e-mail address, are counted to stop bots and floods."
            ),
            _(
                "A keyed hash of the IP address or the e-mail address (never the address "
                "itself) and the times of the attempts, only in the servers' memory"
            ),
            _(
                "Forgotten once the last attempt is outside the period counted (10 minutes "
                "to one day at most), or when the server restarts."
            ),
        ),
        # The choices of the cookie banner (``shopcms.privacy.consent``): the cookie
        # ``cookie_consent`` holds them on each device; the ledger keeps a logged-in
        # customer's as proof, naming the cookie policy's revision.
        Purpose(
            COOKIES_FUNCTIONAL,
            Basis.CONSENT,
            _("Functional cookies"),
            _("A cookie that recognises you as a returning customer, to greet you."),
            _("A cookie on your device saying that you logged in here before (no identifier)"),
            _("1 year on your device, or until you refuse functional cookies."),
            cookie_category=Category.FUNCTIONAL,
        ),
        Purpose(
            COOKIES_PERSONALISATION,
            Basis.CONSENT,
            _("Personalisation cookies"),
            _("A cookie that remembers the products you looked at, to show them again."),
            _("The numbers of the last products you viewed, in a cookie on your device"),
            _("30 days on your device, or until you refuse personalisation cookies."),
            cookie_category=Category.PERSONALISATION,
        ),
        Purpose(
            COOKIES_STATISTICS,
            Basis.CONSENT,
            _("Being counted in the statistics"),
            _(
                "Whether your visits may be counted in the anonymous visit statistics (you "
                "may refuse it in the cookie settings)."
            ),
            _("Nothing about you: only your choice, kept with your consents"),
            _("Your choice is kept until you change it or delete your account."),
            cookie_category=Category.STATISTICS,
        ),
    )
}

#: The purpose that records the choice of each optional cookie category.
COOKIE_PURPOSES = {p.cookie_category: p.name for p in PURPOSES.values() if p.cookie_category}

#: The purposes a customer gives or withdraws consent for on the account pages, in the
#: order shown.  The cookie categories are chosen in the cookie settings (a choice of the
#: device, kept in its cookie), so they are not among them.
CONSENT_PURPOSES = tuple(
    name
    for name, p in PURPOSES.items()
    if p.needs_consent and p.cookie_category is None and not p.consent_by_act
)
