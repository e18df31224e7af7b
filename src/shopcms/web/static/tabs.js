/* Tabs for the groups of a form (the product's languages on the desk).

   The page holds a list of in-page links (ul[data-tabs-for]) to the groups; without a
   script every group shows (and :target shows the chosen one alone).  This script turns
   the list into an ARIA tablist placed before the first group: one tab stop, the arrow
   keys, Home and End move between the tabs, and only the chosen group shows.  A group
   holding a field in error is chosen first, and a link to a field (the error summary's)
   opens its group. */
(function () {
  "use strict";
  var lists = document.querySelectorAll("ul[data-tabs-for]");
  Array.prototype.forEach.call(lists, function (list) {
    var tabs = [], panels = [];
    Array.prototype.forEach.call(list.querySelectorAll("a[href^='#']"), function (link) {
      var panel = document.getElementById(link.getAttribute("href").slice(1));
      if (panel) { tabs.push(link); panels.push(panel); }
    });
    if (panels.length < 2) { return; }
    var nav = list.parentNode;
    list.setAttribute("role", "tablist");
    if (nav && nav.getAttribute("aria-label")) {
      list.setAttribute("aria-label", nav.getAttribute("aria-label"));
    }
    panels[0].parentNode.insertBefore(list, panels[0]);
    if (nav && nav.tagName === "NAV" && !nav.children.length) { nav.parentNode.removeChild(nav); }
    tabs.forEach(function (tab, index) {
      tab.parentNode.setAttribute("role", "presentation");
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panels[index].id);
      panels[index].setAttribute("role", "tabpanel");
      panels[index].setAttribute("aria-labelledby", tab.id);
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var chosen = i === index;
        tab.setAttribute("aria-selected", chosen ? "true" : "false");
        tab.tabIndex = chosen ? 0 : -1;
        panels[i].hidden = !chosen;
      });
      if (focus) { tabs[index].focus(); }
    }

    function panelOf(element) {
      for (var i = 0; i < panels.length; i++) {
        if (panels[i].contains(element)) { return i; }
      }
      return -1;
    }

    var first = panelOf(document.querySelector("[aria-invalid='true']"));
    if (first < 0 && window.location.hash) {
      first = panelOf(document.getElementById(window.location.hash.slice(1)));
    }
    select(first < 0 ? 0 : first, false);

    list.addEventListener("click", function (event) {
      var index = tabs.indexOf(event.target.closest("[role='tab']"));
      if (index < 0) { return; }
      event.preventDefault();
      select(index, true);
    });
    list.addEventListener("keydown", function (event) {
      var index = tabs.indexOf(document.activeElement);
      if (index < 0) { return; }
      var next = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1}[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      select((next + tabs.length) % tabs.length, true);
    });
    /* A link to a field in a hidden group (the error summary) opens that group first. */
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (!link || list.contains(link)) { return; }
      var index = panelOf(document.getElementById(link.getAttribute("href").slice(1)));
      if (index >= 0 && panels[index].hidden) { select(index, false); }
    }, true);
  });
})();
