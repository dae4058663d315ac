// The request list's bulk form. Without this script "select all on this page" still works:
// the server then takes every id on the page. With it, the box also ticks the rows, a row
// unticked clears the box (so the server takes exactly the rows ticked), and only the
// fields the chosen action needs are shown.
(function () {
  "use strict";
  var form = document.querySelector("form[data-bulk]");
  if (!form) return;
  var all = form.querySelector("[data-select-page]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("input[name=ids]"));
  all.addEventListener("change", function () {
    rows.forEach(function (box) { box.checked = all.checked; });
  });
  rows.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = rows.every(function (b) { return b.checked; });
    });
  });
  var action = form.querySelector("select[name=action]");
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-for-action]"));
  function showFields() {
    fields.forEach(function (field) {
      field.hidden = field.dataset.forAction.split(" ").indexOf(action.value) === -1;
    });
  }
  action.addEventListener("change", showFields);
  showFields();
})();
