/**
 * The dashboard's only hand-written script (htmx does the rest): opens dialogs the server sends as modal
 * so focus stays inside them, and removes a closed dialog so a shown API key does not linger in the page.
 */
export const DASHBOARD_JS = `
(function () {
  function openDialogs(root) {
    root.querySelectorAll('dialog[data-autoshow]').forEach(function (dialog) {
      dialog.removeAttribute('data-autoshow');
      // A dialog rendered open (the no-JavaScript path) is reopened as modal; the close event that this
      // queues arrives while it is open again, hence the check.
      if (dialog.open) dialog.close();
      dialog.showModal();
      dialog.addEventListener('close', function () { if (!dialog.open) dialog.remove(); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { openDialogs(document); });
  document.addEventListener('htmx:load', function (event) { openDialogs(event.target.parentNode || document); });
})();
`;
