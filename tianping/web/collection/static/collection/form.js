// The rate is computed from numerator and denominator as they are typed (the server computes it again).
document.addEventListener("input", function (event) {
  var form = document.getElementById("indicator-form");
  if (!form || !form.dataset.scale) return;
  var m = /^(numerator|denominator)_(\d+)$/.exec(event.target.name || "");
  if (!m) return;
  var num = parseFloat(form.elements["numerator_" + m[2]].value);
  var den = parseFloat(form.elements["denominator_" + m[2]].value);
  var out = form.elements["value_" + m[2]];
  out.value = (isFinite(num) && isFinite(den) && den > 0)
    ? String(Math.round(num / den * parseFloat(form.dataset.scale) * 1e6) / 1e6) : "";
});
