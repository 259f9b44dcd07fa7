// Kefu Desk's own script: everything works without it; it only makes HTMX
// requests carry the CSRF token and makes failures visible.
(function () {
  "use strict";
  function token() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = token();
  });
  // A request that never reached the server still tells the user.
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("error-region");
    if (!region) return;
    var lang = document.documentElement.lang;
    region.innerHTML = "";
    var div = document.createElement("div");
    div.className = "alert alert-error";
    div.setAttribute("data-testid", "inline-error");
    div.textContent = lang === "en"
      ? "Network error. Check your connection and try again."
      : "网络错误，请检查连接后重试。";
    region.appendChild(div);
  });
  // Clear an old error once a later request succeeds.
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful && e.detail.target && e.detail.target.id !== "error-region") {
      var region = document.getElementById("error-region");
      if (region) region.innerHTML = "";
    }
  });
})();

// Review screen keys: J/K move between categories, 1-5 / P / F / N rate the
// current one. Typing in a text field is left alone.
(function () {
  "use strict";
  var current = -1;
  function cats() { return Array.prototype.slice.call(document.querySelectorAll("#score-panel fieldset.category")); }
  function focus(i) {
    var list = cats();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (el, j) { el.classList.toggle("current", j === current); });
    list[current].focus({ preventScroll: false });
    list[current].scrollIntoView({ block: "nearest" });
  }
  function rate(value) {
    var list = cats();
    if (current < 0 || !list[current]) return;
    var input = list[current].querySelector('input[type=radio][value="' + value + '"]');
    if (!input || input.disabled) return;
    input.checked = true;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    focus(current + 1);
  }
  document.addEventListener("keydown", function (e) {
    if (!document.getElementById("score-panel") || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target.tagName;
    if (t === "TEXTAREA" || (t === "INPUT" && e.target.type === "text") || t === "SELECT") return;
    var k = e.key.toLowerCase();
    if (k === "j") { focus(current + 1); e.preventDefault(); }
    else if (k === "k") { focus(current - 1); e.preventDefault(); }
    else if (k >= "1" && k <= "5") { rate(k); }
    else if (k === "p") { rate("1"); }
    else if (k === "f") { rate("0"); }
    else if (k === "n") { rate("na"); }
  });
})();
