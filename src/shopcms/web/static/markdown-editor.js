/* The Markdown editor of the management desk: a preview beside the textarea that follows
   the typing, and a toolbar (bold, italic, heading, link, list).

   The preview is the server's: the text is POSTed (with the form's CSRF token) to the
   address in the preview's data-url, which answers the HTML the site would show, rendered
   and sanitised by shopcms.web.richtext; nothing else is ever inserted.  Requests wait for
   a pause in the typing and an older answer never replaces a newer one.  Without this
   script the page works as before: the form's Preview button shows the preview below it.
   No inline script or style: the Content-Security-Policy stays without 'unsafe-inline'. */
(function () {
  "use strict";
  var live = document.getElementById("md-live");
  if (!live || !window.fetch) { return; }
  var source = document.getElementById(live.getAttribute("data-source"));
  if (!source || !source.form) { return; }
  var form = source.form;
  var wrap = document.getElementById("md-live-wrap");
  var toolbar = document.getElementById("md-toolbar");
  var timer = null;
  var asked = 0;

  function refresh() {
    var number = ++asked;
    var data = new FormData();
    var token = form.elements.namedItem("csrf_token");
    data.append("csrf_token", token ? token.value : "");
    data.append("body", source.value);
    fetch(live.getAttribute("data-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && number === asked) { live.innerHTML = html; }
    }).catch(function () { /* offline: the Preview button still works */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  /* Put ``before`` and ``after`` around the selection (or ``placeholder``). */
  function surround(before, after, placeholder) {
    var start = source.selectionStart, end = source.selectionEnd;
    var chosen = source.value.slice(start, end) || placeholder;
    source.setRangeText(before + chosen + after, start, end, "end");
    source.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }

  /* Start every selected line (or the current one) with ``prefix``. */
  function prefixLines(prefix) {
    var value = source.value;
    var start = value.lastIndexOf("\n", source.selectionStart - 1) + 1;
    var end = source.selectionEnd;
    var lines = value.slice(start, end).split("\n").map(function (line) {
      return line.indexOf(prefix) === 0 ? line : prefix + line;
    });
    source.setRangeText(lines.join("\n"), start, end, "select");
  }

  var actions = {
    bold: function () { surround("**", "**", "…"); },
    italic: function () { surround("*", "*", "…"); },
    heading: function () { prefixLines("## "); },
    link: function () { surround("[", "](https://)", "…"); },
    list: function () { prefixLines("- "); }
  };

  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      if (!button || !actions[button.getAttribute("data-md")]) { return; }
      actions[button.getAttribute("data-md")]();
      source.focus();
      later();
    });
    /* One tab stop for the toolbar; the arrow keys move between its buttons. */
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    buttons.forEach(function (button, index) { button.tabIndex = index === 0 ? 0 : -1; });
    toolbar.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      if (index < 0) { return; }
      var next = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1}[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[index].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
  }
  if (wrap) { wrap.hidden = false; }
  source.addEventListener("input", later);
  refresh();
})();
