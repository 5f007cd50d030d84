// The page's status line (a polite live region) and its error banner (an alert).

const statusElement = () => document.getElementById('status');
const errorElement = () => document.getElementById('error');

/** Shows a short progress or result message to everyone, screen readers included. */
export function showStatus(message) {
  statusElement().textContent = message;
}

/** Shows an error in the alert banner and logs it with its cause. */
export function showError(message, cause) {
  console.error(message, cause ?? '');
  const banner = errorElement();
  banner.textContent = message;
  banner.hidden = false;
}

export function clearError() {
  const banner = errorElement();
  banner.hidden = true;
  banner.textContent = '';
}

/**
 * Shows `message` inside the panel `sectionId`, next to its controls, or
 * clears it when `message` is null. For problems with a panel's own inputs.
 */
export function showPanelMessage(sectionId, message) {
  const section = document.getElementById(sectionId);
  let element = section.querySelector('.panel-message');
  if (!element) {
    element = document.createElement('p');
    element.className = 'panel-message';
    element.setAttribute('role', 'status');
    section.querySelector('.controls').after(element);
  }
  element.textContent = message ?? '';
  element.hidden = !message;
  if (message) console.warn(`${sectionId}: ${message}`);
}
