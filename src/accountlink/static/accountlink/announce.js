// Announcements (kit/_messages.html). A message ("Your Loop account is now linked.") is on the page
// when it loads, in a role=status region (role=alert for an error). Screen readers speak what is
// *added* to a live region; one that is already filled when the page loads is often not spoken at all
// (NVDA and JAWS read the page from the top, VoiceOver and TalkBack mostly say nothing). So once the
// page has loaded and settled, each message's contents are put back as new nodes: the same text, with
// nothing moving on screen, now an addition to a live region that existed before, which is what NVDA,
// JAWS, VoiceOver and TalkBack announce (politely for status, at once for alert). Focus is left alone:
// the page's first field keeps it, and the message is read after what the screen reader is saying.
(() => {
  const SETTLE_MS = 600;
  const announce = () => {
    document.querySelectorAll("[data-messages] [role=status], [data-messages] [role=alert]").forEach((region) => {
      if (region.contains(document.activeElement)) return;
      region.replaceChildren(...Array.from(region.childNodes, (node) => node.cloneNode(true)));
      region.dataset.announced = "";
    });
  };
  const start = () => window.setTimeout(announce, SETTLE_MS);
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start, { once: true });
})();
