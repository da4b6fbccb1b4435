// Progressive enhancement only: every page works without this file.
// Warn before leaving a form with unsaved typing, so a half-entered amendment is not lost by a stray click.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.form")) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
  }
});
