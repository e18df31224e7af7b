"""A review from writing to the product page, in a real browser, as new users would do it.

A customer who received the mug writes a review in Dutch, signed with initials; a moderator
finds it in the queue and approves it; a visitor then sees it on the product page with
"verified purchase" and the new average.  Screenshots of the form, the queue and the page.
"""

import re

from tests.browser.test_smoke import expect, url_path
from tests.conftest import PASSWORD
from tests.factories import make_order

PRODUCT = "mug-cafe"
CUSTOMER = ("recensent@example.be", "Nele Claes")
MODERATOR = "moderator.recensies@example.be"
TITLE = "Houdt de koffie warm"
TEXT = "Een stevige mok: de koffie blijft lang warm en hij past in de vaatwasser."


def aggregates(site):
    def read(root):
        pid = root["products"][PRODUCT].pid
        folder = root["reviews"].of_product(pid)
        if folder is None:
            return 0, 0
        return folder.aggregates.count, sum(
            star * count for star, count in folder.aggregates.distribution()
        )

    return site.read(read)


def log_in(page, email):
    page.goto("/nl/login")
    page.fill("form#login input[name=email]", email)
    page.fill("form#login input[name=password]", PASSWORD)
    page.locator("form#login button[name=login]").click()
    page.wait_for_load_state()


def test_write_moderate_and_publish_a_review(live_site, new_context, browser_log, screenshot):
    email, name = CUSTOMER
    userid = live_site.add_account(email)
    live_site.add_account(MODERATOR, roles=("moderator",))
    with live_site.edit() as root:
        make_order(
            root,
            customer=userid,
            items=[(PRODUCT, 1)],
            contact={"name": name, "email": email},
            state="delivered",
        )
    count_before, stars_before = aggregates(live_site)

    # The customer writes the review from the product page: 5 stars, in Dutch, initials.
    customer = new_context().new_page()
    log_in(customer, email)
    customer.goto(f"/nl/products/{PRODUCT}")
    customer.locator("#reviews a", has_text="Schrijf een recensie").click()
    customer.wait_for_url(url_path(f"/nl/products/{PRODUCT}/review"))
    customer.locator("label[for=review-rating]").click()  # the first choice: 5 stars
    customer.fill("#review-title", TITLE)
    customer.fill("#review-text", TEXT)
    customer.check("input[name=review-language][value=nl]")
    customer.check("input[name=review-display][value=initials]")
    expect(customer.locator("form#review")).to_contain_text("N. C.")  # the preview
    screenshot(customer, "review-form-nl")
    customer.locator("form#review button[name=send]").click()
    customer.wait_for_load_state()
    expect(customer.locator("main")).to_contain_text("moderatie")

    # The moderator approves it from the queue.
    moderator = new_context().new_page()
    log_in(moderator, MODERATOR)
    moderator.goto("/nl/manage/reviews/")
    row = moderator.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("N. C.")
    screenshot(moderator, "review-queue-nl")
    row.locator("a", has_text=TITLE).click()
    moderator.wait_for_url(re.compile(r"/nl/manage/reviews/\d+/\w+$"))
    moderator.locator("form#moderate-approve button").click()
    moderator.wait_for_load_state()
    expect(moderator.locator("main")).to_contain_text("De recensie is gepubliceerd.")

    # A visitor sees it, with "verified purchase" and the new average.
    visitor = new_context().new_page()
    visitor.goto(f"/nl/products/{PRODUCT}")
    review = visitor.locator("#reviews li.review", has_text=TITLE)
    expect(review).to_contain_text("Geverifieerde aankoop")
    expect(review).to_contain_text("N. C.")
    expect(review).to_contain_text(TEXT)
    count, stars = aggregates(live_site)
    assert count == count_before + 1 and stars == stars_before + 5
    average = f"{stars / count:.1f}".replace(".", ",")
    expect(visitor.locator("#reviews .rating-average")).to_contain_text(average)
    screenshot(visitor, "product-with-review-nl")
    browser_log.assert_clean()
