// Entry grid: Enter / ArrowDown / ArrowUp move to the same input of the next / previous row
// (a row without it: its first editable input); the header box ticks every empty row.
(function () {
  function target(row, col) {
    var same = row.querySelector("input[data-col='" + col + "']:not([readonly])");
    return same || row.querySelector("input[data-col]:not([readonly])");
  }
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.dataset || !el.dataset.col || !el.closest("#grid")) return;
    var step = (event.key === "Enter" || event.key === "ArrowDown") ? 1 : event.key === "ArrowUp" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    var rows = Array.prototype.slice.call(document.querySelectorAll("#grid tr.grid-row"));
    var next = rows[rows.indexOf(el.closest("tr")) + step];
    var input = next && target(next, el.dataset.col);
    if (input) { input.focus(); input.select(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "pick-all") return;
    document.querySelectorAll("#grid input[name=pick]").forEach(function (box) {
      if (!box.disabled) box.checked = event.target.checked;
    });
  });
})();
