// A read-only field meant to be copied (an API token, a calendar address) is selected whole
// when it takes focus. In a file, not an attribute: the pages allow no inline script.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});
