// Progressive enhancement only: every page works without this script.
import { initAll } from "/assets/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A link to a place inside a collapsed section of the plan's accordion (the
// contents list, "what the form still needs", a save returning to its
// place) opens that section first.
function openSectionOf(hash) {
  if (!hash || hash.length < 2) return;
  const target = document.getElementById(decodeURIComponent(hash.slice(1)));
  const section = target && target.closest(".govuk-accordion__section");
  if (section && !section.classList.contains("govuk-accordion__section--expanded")) {
    section.querySelector("button.govuk-accordion__section-button")?.click();
    target.scrollIntoView();
  }
}
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest('a[href^="#"]');
  if (link) openSectionOf(link.hash);
});
window.addEventListener("hashchange", () => openSectionOf(window.location.hash));
openSectionOf(window.location.hash);

// SMART check as you type: fields marked data-smart="<panel id>" send what
// is typed to /checks/smart (same session and CSRF token as the form) and
// redraw the panel. Built with textContent only, never innerHTML.
const LABELS = {
  specific: "what will be done",
  measurable: "how much or how often",
  evidence: "how it will be measured",
  time_bound: "by when",
};

function drawSmart(panel, report) {
  panel.replaceChildren();
  panel.classList.toggle("app-smart--ok", report.smart);
  const summary = document.createElement("p");
  summary.className = "govuk-body-s govuk-!-margin-bottom-1";
  const strong = document.createElement("strong");
  const missing = report.criteria.filter((c) => !c.met).map((c) => LABELS[c.key] || c.key);
  strong.textContent = report.smart ? "SMART" : `Not yet SMART: say ${missing.join(", ")}`;
  summary.append(strong);
  panel.append(summary);
  for (const [items, className, prefix] of [
    [report.missing, "govuk-list govuk-list--bullet govuk-body-s", ""],
    [report.found, "govuk-list govuk-body-s app-smart__found", "✓ "],
  ]) {
    if (!items.length) continue;
    const list = document.createElement("ul");
    list.className = className;
    for (const item of items) {
      const li = document.createElement("li");
      li.textContent = prefix + item;
      list.append(li);
    }
    panel.append(list);
  }
}

for (const field of document.querySelectorAll("textarea[data-smart]")) {
  const panel = document.getElementById(field.dataset.smart);
  const token = field.form && field.form.querySelector("input[name=_csrf]");
  if (!panel || !token) continue;
  let timer;
  let latest = 0;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    // Each keystroke takes a ticket; only the newest redraws the panel.
    // The panel is aria-busy from the keystroke until its check is drawn,
    // so a screen reader announces the settled result, not each step.
    const ticket = ++latest;
    panel.setAttribute("aria-busy", "true");
    timer = setTimeout(async () => {
      const body = new URLSearchParams({ _csrf: token.value, text: field.value });
      try {
        const response = await fetch("/checks/smart", { method: "POST", body, credentials: "same-origin" });
        if (!response.ok || ticket !== latest) return;
        drawSmart(panel, await response.json());
      } catch {
        // Offline or signed out: the check still runs when the form is saved.
      } finally {
        if (ticket === latest) panel.removeAttribute("aria-busy");
      }
    }, 250);
  });
}
