"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.hidden = false;
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.cookies tbody tr"));
  var count = document.getElementById("filter-count");
  function apply() {
    var purpose = form.elements.purpose.value, party = form.elements.party.value, finding = form.elements.finding.value;
    var shown = 0, total = 0;
    rows.forEach(function (row) {
      var ok = (!purpose || row.dataset.purpose === purpose) && (!party || row.dataset.party === party) &&
               (!finding || row.dataset.findings === finding);
      row.hidden = !ok;
      if (row.closest("#matrix")) { total += 1; if (ok) { shown += 1; } }
    });
    count.textContent = data.shown.replace("{shown}", shown).replace("{total}", total);
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th, index) {
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.title = data.sort;
      var ascending = true;
      function sort() {
        var body = table.tBodies[0];
        var list = Array.prototype.slice.call(body.rows);
        list.sort(function (a, b) {
          var x = a.cells[index] ? (a.cells[index].dataset.sort || a.cells[index].textContent) : "";
          var y = b.cells[index] ? (b.cells[index].dataset.sort || b.cells[index].textContent) : "";
          var nx = parseFloat(x), ny = parseFloat(y);
          var result = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? result : -result;
        });
        list.forEach(function (row) { body.appendChild(row); });
        ascending = !ascending;
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
    });
  });
})();
