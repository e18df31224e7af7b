// The checkout's parts that show only once their box is ticked: the billing address ("send
// the invoice to another address") and the business part ("I am buying for a business").
// Without this script their fields are always shown and the server reads them only with
// the box ticked (shopcms.orders.schemas.CheckoutSchema); with it, hidden fields are also
// not required, and the billing address's shown ones are (the business part's are
// optional).
(function () {
  "use strict";
  function reveal(selector, boxName, required) {
    document.querySelectorAll(selector).forEach(function (set) {
      var box = set.querySelector('input[type="checkbox"][name="' + boxName + '"]');
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
          if (!required) {
            return;
          }
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
  }
  reveal("fieldset.billing-address", "separate_billing", true);
  reveal("fieldset.business-buyer", "for_business", false);
})();
