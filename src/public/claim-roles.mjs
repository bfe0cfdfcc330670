// Progressive enhancement of the claim questions: with JavaScript the next question is revealed
// in place (no round trip), and "Yes" shows the guide's sentence with a Submit claim button.
// Without JavaScript the same form asks one question per page on the server.
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

  const show = (index) => {
    const q = questions[index];
    step.value = String(index);
    role.value = q.role;
    legend.textContent = q.question;
    radios.forEach((r) => (r.checked = false));
    sentence.hidden = true;
    button.textContent = 'Continue';
    form.setAttribute('action', originalAction);
    radios[0]?.focus();
  };

  form.addEventListener('change', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.name !== 'answer') return;
    const index = Number(step.value);
    if (target.value === 'yes') {
      const q = questions[index];
      const who = q.approvers ? ` Your claim will be sent to ${q.approvers}.` : '';
      sentence.textContent = q.sentence + who;
      sentence.hidden = false;
      button.textContent = 'Submit claim';
      form.setAttribute('action', form.dataset.confirmAction);
    } else if (index + 1 < questions.length) {
      show(index + 1);
    } else {
      sentence.hidden = true;
      button.textContent = 'Continue';
      form.setAttribute('action', originalAction);
    }
  });
}
