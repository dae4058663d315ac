// The agency pickers (templates/_agency_picker.html, requests_app/agencies/pickers.py).
// Without this script a picker is a search box whose "Find agencies" button submits the
// form, which comes back with the matches as radio buttons or checkboxes. With it, the box
// is a combobox with a listbox popup (the WAI-ARIA Authoring Practices pattern) that asks
// /agencies/search.json as one types; the chosen agencies are hidden inputs under the
// field's name: one, shown with a "Change" button, or many, each with a "Remove" button.
// Keys in the box: Down and Up move through the matches, Enter picks one, Escape closes
// the list, then empties the box.
(function () {
  "use strict";
  if (!window.fetch || !window.AbortController || !window.URLSearchParams) return;

  var MIN_LENGTH = 2;
  var LIMIT = 20;
  var DELAY_MS = 250;

  Array.prototype.forEach.call(document.querySelectorAll("[data-agency-picker]:not([data-enhanced])"), enhance);

  function enhance(root) {
    root.setAttribute("data-enhanced", "");
    var multiple = root.getAttribute("data-multiple") === "true";
    var name = root.getAttribute("data-name");
    var url = root.getAttribute("data-search-url");
    var activates = root.getAttribute("data-activates");
    var search = root.querySelector(".picker-search");
    var input = search.querySelector("input");
    var prefix = input.id || name;

    // The agencies the page came back with checked stay chosen; the rest of the no-script
    // markup goes.
    var initial = Array.prototype.map.call(root.querySelectorAll("input:checked"), function (box) {
      return {id: box.value, label: box.getAttribute("data-label"), facts: box.getAttribute("data-facts")};
    });
    Array.prototype.forEach.call(root.querySelectorAll(".picker-chosen, .picker-results, .picker-find"), function (node) {
      node.remove();
    });

    var combo = element("div", "picker-combo");
    var listbox = element("ul", "picker-options");
    listbox.id = prefix + "-options";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "Matching agencies");
    listbox.hidden = true;
    search.insertBefore(combo, input);
    combo.appendChild(input);
    combo.appendChild(listbox);
    input.type = "text";  // a search box's own Escape would empty it before the list closes
    input.removeAttribute("name");  // the text is not sent: the chosen ids are
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    var status = element("p", "picker-status help");
    status.id = prefix + "-status";
    status.setAttribute("aria-live", "polite");
    search.appendChild(status);

    var chosen = multiple ? manyChosen() : oneChosen();
    initial.forEach(function (item) { chosen.add(item); });

    var options = [];
    var active = -1;
    var timer = null;
    var pending = null;  // the AbortController of the search under way

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { lookUp(); }, DELAY_MS);
    });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!options.length) {
          lookUp();
        } else if (listbox.hidden || event.altKey) {
          open();
          if (!event.altKey) move(event.key === "ArrowDown" ? 0 : options.length - 1);
        } else if (event.key === "ArrowDown") {
          move(active + 1 < options.length ? active + 1 : 0);
        } else {
          move(active > 0 ? active - 1 : options.length - 1);
        }
      } else if (event.key === "Enter") {
        event.preventDefault();  // Enter in the box never sends the whole form
        if (!listbox.hidden && active >= 0) {
          choose(options[active]);
        } else {
          window.clearTimeout(timer);
          lookUp();
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          clearOptions();
          say("");
        } else if (chosen.cancel) {
          chosen.cancel();
        }
      }
    });

    function lookUp() {
      var query = input.value.replace(/\s+/g, " ").trim();
      if (pending) pending.abort();
      pending = null;
      if (query.length < MIN_LENGTH) {
        clearOptions();
        say(query ? "Type at least " + MIN_LENGTH + " characters." : "");
        return;
      }
      var mine = new AbortController();
      pending = mine;
      var address = url + "?" + new URLSearchParams({q: query, limit: String(LIMIT)});
      fetch(address, {signal: mine.signal, credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (response.redirected) throw new Error("session");  // to the login page
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (pending !== mine) return;  // a later search has started
          pending = null;
          show(data, query);
        })
        .catch(function (error) {
          if (error.name === "AbortError" || pending !== mine) return;
          pending = null;
          clearOptions();
          say(error.message === "session" ? "Your session has ended: reload the page and log in again."
            : "The directory could not be searched just now. Try again.");
        });
    }

    function show(data, query) {
      clearOptions();
      options = data.results;
      options.forEach(function (item) {
        var option = element("li", "picker-option");
        option.id = prefix + "-option-" + item.id;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var facts = multiple && chosen.has(item.id) ? item.facts + " · already chosen" : item.facts;
        option.appendChild(element("span", "picker-name", item.label));
        option.appendChild(document.createTextNode(" "));
        option.appendChild(element("span", "picker-meta", facts));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });  // focus stays in the box
        option.addEventListener("click", function () { choose(item); });
        listbox.appendChild(option);
      });
      if (!options.length) {
        say("No agency matches “" + query + "”. Check the spelling, or try the city, county or ORI.");
        return;
      }
      open();
      var count = options.length === 1 ? "1 agency found" : options.length + " agencies found";
      say(data.more ? count + "; more match: type more to narrow the list." : count + ".");
    }

    function open() {
      if (!options.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      move(-1);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function clearOptions() {
      close();
      options = [];
      listbox.textContent = "";
    }

    function move(index) {
      if (active >= 0 && listbox.children[active]) listbox.children[active].setAttribute("aria-selected", "false");
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = listbox.children[index];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({block: "nearest"});
    }

    function choose(item) {
      if (multiple && chosen.has(item.id)) {
        close();
        say(item.label + " is already chosen.");
        return;
      }
      input.value = "";
      clearOptions();
      chosen.add(item);
      say(chosen.added(item));
      chosen.focusAfterChoice();
      var radio = activates && document.getElementById(activates);
      if (radio) radio.checked = true;
    }

    function say(text) {
      // Emptied first, so the same sentence twice in a row is read out again.
      status.textContent = "";
      if (text) window.setTimeout(function () { status.textContent = text; }, 50);
    }

    // Many agencies: a list of chosen ones, each with a hidden input and a remove button.
    function manyChosen() {
      var box = element("div", "picker-chosen-many");
      var caption = element("p", "picker-caption");
      caption.id = prefix + "-chosen";
      var list = element("ul", "picker-chips");
      list.setAttribute("aria-labelledby", caption.id);
      box.appendChild(caption);
      box.appendChild(list);
      root.appendChild(box);

      function count() {
        var n = list.children.length;
        caption.textContent = "Chosen agencies (" + n + ")";
        box.hidden = n === 0;
        return n === 1 ? "1 agency chosen." : n + " agencies chosen.";
      }
      count();
      return {
        has: function (id) { return !!list.querySelector("input[value='" + Number(id) + "']"); },
        add: function (item) {
          var chip = element("li", "picker-chip");
          chip.appendChild(element("span", "picker-name", item.label));
          var value = document.createElement("input");
          value.type = "hidden";
          value.name = name;
          value.value = item.id;
          chip.appendChild(value);
          var remove = element("button", "picker-remove", "Remove");
          remove.type = "button";
          remove.setAttribute("aria-label", "Remove " + item.label);
          remove.addEventListener("click", function () {
            var next = chip.nextElementSibling || chip.previousElementSibling;
            chip.remove();
            say("Removed " + item.label + ". " + count());
            (next ? next.querySelector("button") : input).focus();
          });
          chip.appendChild(remove);
          list.appendChild(chip);
          count();
        },
        added: function (item) { return "Added " + item.label + ". " + count(); },
        focusAfterChoice: function () { input.focus(); }
      };
    }

    // One agency: its name and a "Change" button in place of the box, which comes back to change it.
    function oneChosen() {
      var line = element("div", "picker-choice");
      var text = element("p");
      var label = element("span", "picker-name");
      var facts = element("span", "picker-meta");
      var value = document.createElement("input");
      value.type = "hidden";
      value.name = name;
      var change = element("button", "button small", "Change agency");
      change.type = "button";
      text.appendChild(label);
      text.appendChild(document.createTextNode(" "));
      text.appendChild(facts);
      line.appendChild(text);
      line.appendChild(value);
      line.appendChild(change);
      line.hidden = true;
      root.insertBefore(line, search);

      function showChoice(focus) {
        line.hidden = false;
        change.hidden = false;
        search.hidden = true;
        if (focus) change.focus();
      }
      change.addEventListener("click", function () {
        change.hidden = true;
        search.hidden = false;
        input.focus();
        say("Type to find another agency; Escape keeps " + label.textContent + ".");
      });
      return {
        has: function (id) { return value.value === String(id); },
        add: function (item) {
          value.value = item.id;
          label.textContent = item.label;
          facts.textContent = item.facts || "";
          showChoice(false);
        },
        added: function (item) { return "Chosen: " + item.label + "."; },
        focusAfterChoice: function () { change.focus(); },
        cancel: function () { if (value.value) showChoice(true); }
      };
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
})();
