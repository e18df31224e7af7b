/* The cookie banner without reloading the page (templates/macros.pt, "cookie-banner").
 *
 * Without this script the banner is a plain form: "Accept all" and "Refuse all" post it and
 * come back to the page, "Choose" opens the cookie settings page.  With it:
 * - "Choose" opens the choice per category inside the banner (and closes it again);
 * - the buttons post the same form with fetch (asking for JSON) and hide the banner; if
 *   that fails for any reason the form is submitted the plain way;
 * - a browser that sends Global Privacy Control (navigator.globalPrivacyControl) already
 *   refuses every optional cookie: the banner is not shown.  (The server cannot leave the
 *   banner out of pages shared by every visitor without cookies.)
 */
(function () {
  "use strict";

  var banner = document.getElementById("cookie-banner");
  if (!banner) {
    return;
  }
  if (navigator.globalPrivacyControl === true) {
    banner.hidden = true;
    return;
  }
  var form = banner.querySelector("form.cookie-consent");
  var choose = banner.querySelector("button.choose");
  var choices = document.getElementById("cookie-choices");

  choose.setAttribute("aria-controls", choices.id);
  choose.setAttribute("aria-expanded", "false");
  choose.addEventListener("click", function (event) {
    event.preventDefault();
    var opening = choices.hidden;
    choices.hidden = !opening;
    choose.setAttribute("aria-expanded", opening ? "true" : "false");
    if (opening) {
      choices.querySelector("input").focus();
    }
  });

  function announce(text) {
    var region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    document.body.appendChild(region);
    // Filled after insertion, so screen readers notice the change.
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function done() {
    banner.hidden = true;
    var main = document.getElementById("main");
    if (main) {
      // Focus was on a button that is gone: continue at the content.
      main.setAttribute("tabindex", "-1");
      main.focus({ preventScroll: true });
    }
    announce(banner.getAttribute("data-saved"));
  }

  function plainSubmit(submitter) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = submitter.name;
    field.value = submitter.value;
    form.appendChild(field);
    HTMLFormElement.prototype.submit.call(form);
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || !submitter.name || !window.fetch || !window.URLSearchParams) {
      return; // the plain form POST
    }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    body.append(submitter.name, submitter.value);
    window
      .fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        done();
      })
      .catch(function () {
        plainSubmit(submitter);
      });
  });
})();
