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
