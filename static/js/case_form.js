// Case form: party kind decides which identifier can be typed (served as a file: the CSP allows no inline script).
(function () {
  // Only the identifier that fits the party's kind can be typed; without JavaScript the other one is ignored.
  function sync(select) {
    var prefix = select.id.replace(/-kind$/, "");
    var person = select.value === "person";
    var idNumber = document.getElementById(prefix + "-id_number");
    var creditCode = document.getElementById(prefix + "-credit_code");
    if (idNumber) { idNumber.disabled = !person; }
    if (creditCode) { creditCode.disabled = person; }
  }
  document.querySelectorAll("select[id$='-kind']").forEach(function (select) {
    select.addEventListener("change", function () { sync(select); });
    sync(select);
  });
})();
