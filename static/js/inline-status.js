// The request page's status form, without a page reload. Without this script the form
// posts and the server redirects back with a flash message. With it, the form is sent by
// fetch with the header "X-Requested-With: fetch" (and the form's CSRF token); the server
// answers 200 with templates/records/_status_panel.html's fragment (the status badge, the
// status card and the history, each under the id the page already has), or 422 with the
// reason it refused as plain text. The script swaps the elements by id, says what changed
// in the page's live region and puts keyboard focus back on the status card.
(function () {
  "use strict";
  var announcer = document.getElementById("status-announcer");
  if (!announcer || !window.fetch || !("content" in document.createElement("template"))) return;

  // Listening on the document keeps working for the form that replaces this one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-inline-status]")) return;
    event.preventDefault();
    send(form);
  });

  function send(form) {
    var button = form.querySelector("button[type=submit]");
    form.querySelector("#status-error").hidden = true;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "X-Requested-With": "fetch",
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value
      }
    }).then(function (response) {
      if (response.redirected) {  // e.g. the session ended: follow the server, as without JavaScript
        window.location.assign(response.url);
        return;
      }
      return response.text().then(function (text) {
        if (response.ok) {
          swap(text);
        } else if (response.status === 422) {
          refuse(form, text);
        } else {
          refuse(form, "The status was not changed (the server answered " + response.status + "). Reload the page and try again.");
        }
      });
    }).catch(function () {
      refuse(form, "The status was not changed: the server could not be reached. Try again.");
    }).then(function () {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    });
  }

  function swap(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    Array.prototype.slice.call(template.content.children).forEach(function (fresh) {
      var old = fresh.id && document.getElementById(fresh.id);
      if (old) old.replaceWith(fresh);
    });
    var panel = document.getElementById("status-panel");
    if (!panel) return;
    announce(panel.getAttribute("data-announce") || "");
    panel.querySelector("h2").focus();
  }

  function announce(text) {
    // Emptied first so the same sentence twice in a row is still read out.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function refuse(form, message) {
    var error = form.querySelector("#status-error");
    error.textContent = message;
    error.hidden = false;
  }
})();
