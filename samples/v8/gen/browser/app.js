// Invoice board: plain DOM code with two deliberate leaks of detached DOM,
// used for the Chromium samples in samples/v8/ (see ../../MANIFEST.md).
//
// Leak 1 (window listener): every report panel registers a window 'resize'
//   listener `onResize` that closes over the panel; closing the panel removes
//   it from the document but never removes the listener.
// Leak 2 (module-level array): archiving an invoice row removes the <tr> from
//   the table and keeps it in `archivedRows` "for undo", forever.
// Negative control: the toast adds a document 'keydown' listener and removes
//   it (and the element) when it closes; nothing of it may survive.

const archivedRows = [];
let reportCloseHandlers = [];

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function loadInvoices(n) {
  const table = el('table', 'invoice-table');
  const body = document.createElement('tbody');
  for (let i = 1; i <= n; i++) {
    const row = el('tr', 'invoice-row');
    row.append(el('td', 'inv-id', 'INV-' + String(4000 + i)),
               el('td', 'inv-amount', (i * 137.5).toFixed(2) + ' EUR'));
    body.append(row);
  }
  table.append(body);
  document.getElementById('board').replaceChildren(table);
}

function archiveRow(index) {
  const row = document.querySelectorAll('tr.invoice-row')[index];
  row.remove();
  archivedRows.push(row);           // leak 2: kept "for undo", never dropped
}

function openReport(title) {
  const panel = el('div', 'report-panel');
  const list = el('ul', 'report-lines');
  for (const k of ['net', 'tax', 'gross']) list.append(el('li', 'report-line', k + ': ' + title.length * 1000));
  panel.append(el('h2', 'report-title', title), list);
  document.getElementById('reports').append(panel);
  function onResize() {             // leak 1: never removed
    panel.dataset.width = String(window.innerWidth);
  }
  window.addEventListener('resize', onResize);
  reportCloseHandlers.push(() => panel.remove());
}

function closeReports() {
  for (const close of reportCloseHandlers) close();
  reportCloseHandlers = [];
}

function showToast(message) {
  const toast = el('div', 'toast', message);
  function onToastKey(ev) { if (ev.key === 'Escape') closeToast(); }
  function closeToast() {
    document.removeEventListener('keydown', onToastKey);
    toast.remove();
  }
  document.addEventListener('keydown', onToastKey);
  document.body.append(toast);
  return closeToast;
}

document.getElementById('load').addEventListener('click', () => loadInvoices(20));
document.getElementById('open-reports').addEventListener('click', () => {
  for (const t of ['Q1 revenue', 'Q2 revenue', 'Overdue', 'Top customers']) openReport(t);
});
document.getElementById('close-reports').addEventListener('click', closeReports);
document.getElementById('toast').addEventListener('click', () => {
  const close = showToast('Saved');
  setTimeout(close, 0);
});
document.getElementById('clear').addEventListener('click', () => {
  document.getElementById('board').replaceChildren();
});

// exposed for the driver only
window.invoiceBoard = { archiveRow };
