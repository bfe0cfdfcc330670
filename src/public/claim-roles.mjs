// Progressive enhancement of the claim questions: with JavaScript the next question is revealed
// in place (no round trip), and "Yes" shows the guide's sentence with a Submit claim button.
// Without JavaScript the same form asks one question per page on the server.
// An answer counts only when Continue is pressed: choosing a radio (which the arrow keys do as
// they move between Yes and No) never skips a question.
const form = document.getElementById('claim-question');
if (form) {
  const questions = JSON.parse(form.dataset.questions ?? '[]');
  const legend = form.querySelector('legend');
  const step = form.querySelector('input[name="step"]');
  const role = form.querySelector('input[name="role"]');
  const sentence = document.getElementById('claim-sentence');
  const button = document.getElementById('claim-continue');
  const originalAction = form.getAttribute('action');
  const radios = [...form.querySelectorAll('input[name="answer"]')];
  const chosen = () => radios.find((r) => r.checked)?.value;

  /** Continue posts the answer to the question step; Submit claim posts the claim itself. */
  const asContinue = () => {
    sentence.hidden = true;
    button.textContent = 'Continue';
    form.setAttribute('action', originalAction);
  };

  const show = (index) => {
    const q = questions[index];
    step.value = String(index);
    role.value = q.role;
    legend.textContent = q.question;
    radios.forEach((r) => (r.checked = false));
    asContinue();
    radios[0]?.focus();
  };

  form.addEventListener('change', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.name !== 'answer') return;
    if (target.value !== 'yes') {
      asContinue();
      return;
    }
    const q = questions[Number(step.value)];
    const who = q.approvers ? ` Your claim will be sent to ${q.approvers}.` : '';
    sentence.textContent = q.sentence + who;
    sentence.hidden = false;
    button.textContent = 'Submit claim';
    form.setAttribute('action', form.dataset.confirmAction);
  });

  form.addEventListener('submit', (event) => {
    const index = Number(step.value);
    // No, with a question still to come: ask it in place. Anything else goes to the server
    // (Yes: the claim; No to the last question; no answer: the server's error message).
    if (chosen() === 'no' && index + 1 < questions.length) {
      event.preventDefault();
      show(index + 1);
    }
  });
}
