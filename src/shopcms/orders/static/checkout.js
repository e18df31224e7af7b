// The checkout's billing address: its fields show only once "send the invoice to another
// address" is ticked.  Without this script they are always shown and the server reads
// them only with the box ticked (shopcms.orders.schemas.CheckoutSchema); with it, hidden
// fields are also not required, and shown ones are.
(function () {
  "use strict";
  document.querySelectorAll("fieldset.billing-address").forEach(function (set) {
    var box = set.querySelector('input[type="checkbox"][name="separate_billing"]');
    if (!box) {
      return;
    }
    var groups = Array.prototype.filter.call(
      set.querySelectorAll(".form-group"),
      function (group) { return !group.contains(box); }
    );
    var ids = groups.map(function (group) { return group.id; }).filter(Boolean);
    box.setAttribute("aria-controls", ids.join(" "));
    function sync() {
      groups.forEach(function (group) {
        group.hidden = !box.checked;
        group.querySelectorAll("input, select").forEach(function (input) {
          if (box.checked) {
            input.setAttribute("required", "required");
          } else {
            input.removeAttribute("required");
          }
        });
      });
    }
    box.addEventListener("change", sync);
    sync();
  });
})();
