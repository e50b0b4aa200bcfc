// Draft notice form: show only the units that carry the chosen measure (a file: the CSP allows no inline script).
(function () {
  // Without JavaScript every unit is listed with its measures and the server refuses a unit that cannot act.
  var select = document.getElementById("id_measure");
  var choices = document.querySelectorAll(".unit-choice");
  function filter() {
    var code = select.value, shown = 0;
    choices.forEach(function (choice) {
      var able = (" " + choice.dataset.measures).indexOf(" " + code + " ") !== -1;
      var box = choice.querySelector("input");
      choice.classList.toggle("d-none", !able);
      if (!able) { box.checked = false; } else { shown++; }
      choice.querySelectorAll(".badge").forEach(function (badge) {
        var on = badge.classList.contains("measure-" + code);
        badge.classList.toggle("border-danger", on);
        badge.classList.toggle("text-danger", on);
      });
    });
    document.getElementById("no-capable-unit").classList.toggle("d-none", shown > 0);
  }
  if (select) {
    select.addEventListener("change", filter);
    filter();
    document.getElementById("unit-filter-note").classList.remove("d-none");
  }
})();
