// The project admin's embed code (participation/templates/participation/admin/embed_code.html): the copy
// button copies the frame's HTML and says so. The code is selected whenever it gets focus, so that where the
// clipboard is not available (a page not served over https) Ctrl+C still copies it.
const code = document.getElementById('embed-code');
const button = document.getElementById('embed-code-copy');
const status = document.getElementById('embed-code-status');
if (code && button && status) {
  code.addEventListener('focus', () => code.select());
  button.addEventListener('click', async () => {
    status.textContent = '';
    code.focus();
    code.select();
    try {
      await navigator.clipboard.writeText(code.value);
      status.textContent = button.dataset.copied;
    } catch {
      status.textContent = button.dataset.failed;
    }
  });
}
