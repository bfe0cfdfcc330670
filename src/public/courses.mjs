// Progressive enhancement of the course form: the running total of guided learning hours follows
// the unit checkboxes as they are ticked. Without JavaScript the total shown is the one the page
// was drawn with, and it is worked out again each time the form is saved.
const total = document.querySelector('[data-glh-total]');
const group = document.querySelector('[data-glh-required]');
if (total && group) {
  const required = Number(group.dataset.glhRequired);
  const boxes = [...group.querySelectorAll('input[type="checkbox"][data-glh]')];
  const update = () => {
    const chosen = boxes
      .filter((box) => box.checked)
      .reduce((sum, box) => sum + Number(box.dataset.glh), 0);
    total.textContent = `${chosen} of ${required} guided learning hours chosen`;
  };
  group.addEventListener('change', update);
  update();
}
