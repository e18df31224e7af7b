// A form that came back with errors: move the focus to its error summary, so that a
// keyboard or screen reader user starts from the list of what to correct.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
