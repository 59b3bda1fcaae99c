// The report's only script: draws a scenario's diagram and transcript
// when it is opened (they wait as inert text until then), and filters the
// list by status.
function fill(d) {
  var box = d.querySelector(".pair[data-lazy]");
  if (!box || box.dataset.filled) return;
  var src = document.getElementById(box.dataset.lazy);
  if (!src) return;
  box.innerHTML = src.textContent;
  box.dataset.filled = "1";
}
document.querySelectorAll("details.scenario").forEach(function (d) {
  if (d.open) fill(d);
  d.addEventListener("toggle", function () { if (d.open) fill(d); });
});
// A link to a scenario (index.html#s3) opens it.
if (location.hash) {
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.tagName === "DETAILS") { target.open = true; fill(target); target.scrollIntoView(); }
}
document.querySelectorAll("a[href^='#s']").forEach(function (a) {
  a.addEventListener("click", function () {
    var d = document.getElementById(a.getAttribute("href").slice(1));
    if (d) { d.open = true; fill(d); }
  });
});
document.querySelectorAll("button.filter").forEach(function (b) {
  b.addEventListener("click", function () {
    document.body.className = b.dataset.status ? "only-" + b.dataset.status : "";
  });
});
