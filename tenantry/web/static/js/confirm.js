// Buttons with data-confirm (an arch <button confirm="...">): a native confirmation
// before their POST. Without JavaScript the server asks on a page of its own instead.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-confirm]") : null;
  if (!button || !button.form) return;
  if (!window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  let flag = button.form.querySelector('input[name="confirmed"]');
  if (!flag) {
    flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    button.form.appendChild(flag);
  }
  flag.value = "1";
}, true);
