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
