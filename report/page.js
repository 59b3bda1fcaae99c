// Filter the report by status; everything else is plain HTML and SVG.
document.querySelectorAll("button.filter").forEach(function (b) {
  b.addEventListener("click", function () {
    document.body.className = b.dataset.status ? "only-" + b.dataset.status : "";
  });
});
