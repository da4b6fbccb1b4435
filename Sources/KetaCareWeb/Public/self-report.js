// Saves each answer the moment it is chosen, so a phone that dies mid-way loses nothing; the link resumes where it stopped.
// Without JavaScript the form still works: answers are sent together with "Send".
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.questionnaire[data-save]");
  if (!form) return;
  const note = form.querySelector(".saved-note");
  form.addEventListener("change", async (event) => {
    const input = event.target;
    if (!input.dataset || !input.dataset.item) return;
    const body = new URLSearchParams({ instrument: form.dataset.instrument, item: input.dataset.item, value: input.value });
    try {
      const response = await fetch(form.dataset.save, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      note.textContent = response.ok ? "Saved." : "Not saved yet; your answer will be sent when you press Send.";
    } catch (error) {
      note.textContent = "Offline: your answer will be sent when you press Send.";
    }
  });
});
