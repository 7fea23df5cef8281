// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";

// A radio or checkbox that reveals a follow-up question: GOV.UK Frontend promotes the markup's
// data-aria-controls to aria-controls (the question it reveals, which ARIA allows on any control)
// and also marks the input aria-expanded, which ARIA does not allow on a radio or a checkbox
// (axe-core: aria-allowed-attr, critical; govuk-frontend issue 979). The portal keeps the reveal and
// its aria-controls and takes aria-expanded off again whenever GOV.UK Frontend sets it: the input's
// own checked state already says whether the question after it is shown. Without JavaScript the
// follow-up question is always shown, with no aria-controls and no aria-expanded.
const REVEALING_INPUT = ".govuk-radios__input[aria-expanded], .govuk-checkboxes__input[aria-expanded]";

function removeAriaExpanded(root) {
  root.querySelectorAll(REVEALING_INPUT).forEach((input) => input.removeAttribute("aria-expanded"));
}

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
removeAriaExpanded(document);
new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    if (mutation.target.matches?.(REVEALING_INPUT)) {
      mutation.target.removeAttribute("aria-expanded");
    }
  }
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-expanded"] });
