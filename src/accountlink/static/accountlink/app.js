// Menus (a disclosure: a button with aria-controls shows or hides its panel). Escape closes an open
// menu and puts the focus back on its button; a click outside, or Tab out of it, closes it too.
(() => {
  const panelOf = (button) => document.getElementById(button.getAttribute("aria-controls"));
  const openMenus = () => [...document.querySelectorAll("[data-menu-button][aria-expanded=true]")];
  const setOpen = (button, open) => {
    button.setAttribute("aria-expanded", String(open));
    panelOf(button).hidden = !open;
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-menu-button]");
    openMenus().forEach((open) => {
      if (open !== button && !panelOf(open).contains(event.target)) setOpen(open, false);
    });
    if (!button) return;
    const opening = button.getAttribute("aria-expanded") !== "true";
    setOpen(button, opening);
    if (opening) {
      const first = panelOf(button).querySelector("a[href], button");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = openMenus();
    if (!open.length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    open.forEach((button) => {
      setOpen(button, false);
      button.focus();
    });
  });
  document.addEventListener("focusout", (event) => {
    const next = event.relatedTarget;
    if (!next) return; // focus left the page, or a click that the click handler answers
    openMenus().forEach((button) => {
      if (next !== button && !panelOf(button).contains(next)) setOpen(button, false);
    });
  });
})();

// The language switcher submits as soon as a language is picked.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});

// Modal dialogs drawn by the server ([data-modal], a page of their own over the page they belong
// to, which is inert): focus starts inside, Tab stays inside, Escape follows the dialog's Cancel
// link. When the dialog closes (Cancel, Escape, or its form done), the page it came from puts the
// focus back on the button that opened it ([data-return-focus]) or, when that button is gone
// because the dialog did what it asked, on the message that says so.
(() => {
  const RETURN_FOCUS = "accountlink.returnFocus";
  const CONTROLS = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea";

  const focusHashTarget = () => {
    const target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.matches(CONTROLS) && !target.closest("[inert]")) target.focus();
  };

  const restoreFocus = () => {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(RETURN_FOCUS) || "null");
      sessionStorage.removeItem(RETURN_FOCUS);
    } catch {
      return;
    }
    if (!saved || saved.path !== location.pathname) return;
    const opener = document.getElementById(saved.id);
    if (opener && !opener.closest("[inert]")) {
      opener.focus();
      return;
    }
    const message = document.querySelector("main .alert");
    if (message) {
      message.tabIndex = -1;
      message.focus();
    }
  };

  const dialog = document.querySelector("[data-modal]");
  if (!dialog) {
    restoreFocus();
    focusHashTarget();
    window.addEventListener("hashchange", focusHashTarget);
    return;
  }
  try {
    sessionStorage.removeItem(RETURN_FOCUS);
  } catch {
    // storage refused (a private window's settings): focus is then not put back, nothing else changes
  }
  const cancel = dialog.querySelector("[data-dialog-cancel]");
  const remember = () => {
    if (!dialog.dataset.returnFocus || !cancel) return;
    const path = new URL(cancel.href, location.href).pathname;
    try {
      sessionStorage.setItem(RETURN_FOCUS, JSON.stringify({ id: dialog.dataset.returnFocus, path }));
    } catch {
      // as above
    }
  };

  // Everything outside the dialog is out of reach while it is open: the server marks the page
  // behind it inert; the layout around it (header, footer, tab bar) is marked here.
  const backdrop = dialog.closest(".modal-backdrop") || dialog;
  for (let node = backdrop; node.parentElement && node !== document.body; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling !== node && !["SCRIPT", "LINK", "STYLE"].includes(sibling.tagName)) sibling.inert = true;
    }
  }

  const focusable = () =>
    [...dialog.querySelectorAll(CONTROLS)].filter((element) => element.getClientRects().length > 0);
  const first =
    dialog.querySelector("[aria-invalid=true]") ||
    dialog.querySelector("input:checked") ||
    dialog.querySelector("input:not([type=hidden]):not([type=radio])") ||
    dialog.querySelector("input[type=radio]") ||
    focusable()[0];
  if (first && !dialog.contains(document.activeElement)) first.focus();

  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-dialog-cancel]")) remember();
  });
  dialog.addEventListener("submit", remember);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (!cancel) return;
      event.preventDefault();
      remember();
      window.location.assign(cancel.href);
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
