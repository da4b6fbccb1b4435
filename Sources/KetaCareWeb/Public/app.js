// Progressive enhancement only: every page works without this file.
// Warn before leaving a form with unsaved typing, so a half-entered amendment is not lost by a stray click.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.form")) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
  }
  // Session run-sheet: a live countdown to the next vitals set; the server-rendered due time is the no-JS fallback.
  const countdown = document.getElementById("vitals-countdown");
  if (countdown && countdown.dataset.due) {
    const due = Date.parse(countdown.dataset.due);
    const tick = () => {
      const seconds = Math.round((due - Date.now()) / 1000);
      const abs = Math.abs(seconds);
      const text = `${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, "0")}`;
      countdown.textContent = seconds >= 0 ? `Next vitals set due in ${text}` : `Vitals set OVERDUE by ${text}`;
      countdown.classList.toggle("overdue", seconds < 0);
    };
    tick();
    setInterval(tick, 1000);
  }
  for (const button of document.querySelectorAll("[data-print]")) button.addEventListener("click", () => window.print());
});
