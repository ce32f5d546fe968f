/**
 * The dashboard's only hand-written script (htmx does the rest): opens dialogs the server sends as modal
 * so focus stays inside them, and removes a closed dialog so a shown API key does not linger in the page.
 */
export const DASHBOARD_JS = `
(function () {
  function openDialogs(root) {
    root.querySelectorAll('dialog[data-autoshow]').forEach(function (dialog) {
      dialog.removeAttribute('data-autoshow');
      if (dialog.open) dialog.close();
      dialog.showModal();
      dialog.addEventListener('close', function () { dialog.remove(); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { openDialogs(document); });
  document.addEventListener('htmx:load', function (event) { openDialogs(event.target.parentNode || document); });
})();
`;
