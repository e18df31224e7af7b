"""Forms: invalid input shows the form again with messages in the user's language, 400."""

import pytest

MESSAGES = {
    "nl": ("Geef een geldig e-mailadres op.", "Verplicht"),
    "fr": ("Saisissez une adresse e-mail valide.", "Requis"),
    "en": ("Enter a valid email address.", "Required"),
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_invalid_login_form_has_messages_next_to_the_fields(app, lang):
    form = app.get(f"/{lang}/login").forms["login"]
    form["email"] = "not-an-email"
    response = form.submit("login", status=400)
    email_error, password_error = MESSAGES[lang]
    email_field = response.html.select_one("#item-login-email")
    password_field = response.html.select_one("#item-login-password")
    assert email_error in email_field.text
    assert password_error in password_field.text
    # The visitor's input is kept.
    assert response.html.select_one("input[name=email]")["value"] == "not-an-email"
    # Each error is tied to its field, and the summary links to the fields.
    email = response.html.select_one("#login-email")
    assert email["aria-invalid"] == "true"
    assert response.html.select_one(f"#{email['aria-describedby']}").text.strip() == email_error
    summary = response.html.select_one("form#login .error-summary[role=alert]")
    assert [a["href"] for a in summary.select("a")] == ["#login-email", "#login-password"]


def test_the_form_carries_the_csrf_token(app):
    page = app.get("/nl/login")
    token = page.html.select_one("form#login input[name=csrf_token]")["value"]
    assert len(token) >= 32
