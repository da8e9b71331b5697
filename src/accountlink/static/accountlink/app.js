// Menus: a button with aria-controls toggles its panel; Escape or a click outside closes it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-menu-button]");
  document.querySelectorAll("[data-menu-button][aria-expanded=true]").forEach((open) => {
    if (open !== button) {
      open.setAttribute("aria-expanded", "false");
      document.getElementById(open.getAttribute("aria-controls")).hidden = true;
    }
  });
  if (button) {
    const panel = document.getElementById(button.getAttribute("aria-controls"));
    const expanded = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!expanded));
    panel.hidden = expanded;
    if (!expanded) {
      const first = panel.querySelector("a, button");
      if (first) first.focus();
    }
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("[data-menu-button][aria-expanded=true]").forEach((open) => {
    open.setAttribute("aria-expanded", "false");
    document.getElementById(open.getAttribute("aria-controls")).hidden = true;
    open.focus();
  });
});
// The language switcher submits as soon as a language is picked.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});
// Modal dialogs drawn by the server ([data-modal]; the page behind is inert): focus starts inside,
// Tab stays inside, Escape follows the dialog's Cancel link.
(() => {
  const dialog = document.querySelector("[data-modal]");
  if (!dialog) return;
  const focusable = () =>
    [...dialog.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea")]
      .filter((element) => element.getClientRects().length > 0);
  const first =
    dialog.querySelector("[aria-invalid=true]") ||
    dialog.querySelector("input:checked") ||
    dialog.querySelector("input:not([type=hidden])") ||
    focusable()[0];
  if (first && !dialog.contains(document.activeElement)) first.focus();
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      const cancel = dialog.querySelector("[data-dialog-cancel]");
      if (cancel) window.location.assign(cancel.href);
      return;
    }
    if (event.key !== "Tab") return;
    const items = focusable();
    if (!items.length) return;
    const [head, tail] = [items[0], items[items.length - 1]];
    if (event.shiftKey && (document.activeElement === head || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      tail.focus();
    } else if (!event.shiftKey && (document.activeElement === tail || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      head.focus();
    }
  });
})();
