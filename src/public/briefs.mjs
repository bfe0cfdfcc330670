// Progressive enhancement for the assignment brief pages; every page works without it.

// The builder: show the filled-in tasks and one empty one; "Add another task" shows the next.
const tasks = [...document.querySelectorAll('[data-task]')];
const addTask = document.querySelector('[data-add-task]');
const addTaskButton = document.querySelector('[data-add-task-button]');
if (tasks.length > 0 && addTask && addTaskButton) {
  let shownEmpty = false;
  for (const task of tasks) {
    if (!task.hasAttribute('data-task-empty')) continue;
    const hasError = task.querySelector('.govuk-form-group--error');
    if (!shownEmpty || hasError) {
      shownEmpty = true;
      continue;
    }
    task.hidden = true;
  }
  const hidden = () => tasks.filter((task) => task.hidden);
  addTask.hidden = hidden().length === 0;
  addTaskButton.addEventListener('click', () => {
    const next = hidden()[0];
    if (!next) return;
    next.hidden = false;
    next.querySelector('input, textarea')?.focus();
    addTask.hidden = hidden().length === 0;
  });
}

// The print page: a button that opens the browser's print dialogue.
const printButton = document.querySelector('[data-print-button]');
if (printButton) {
  printButton.hidden = false;
  document.querySelector('[data-print-hint]')?.setAttribute('hidden', '');
  printButton.addEventListener('click', () => window.print());
}
