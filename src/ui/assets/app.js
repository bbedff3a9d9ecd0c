// omnihub UI: a few lines of progressive enhancement on top of htmx. Everything works without it.
(function () {
  'use strict';
  function bulkState(form) {
    var boxes = form.querySelectorAll('input[name="ids"]');
    var checked = form.querySelectorAll('input[name="ids"]:checked').length;
    var all = form.querySelector('input[data-select-all]');
    if (all) {
      all.checked = checked > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    var out = form.querySelector('[data-selected-count]');
    if (out) out.textContent = out.getAttribute('data-template').replace('{n}', String(checked));
    form.querySelectorAll('[data-needs-selection]').forEach(function (b) { b.disabled = checked === 0; });
  }
  document.addEventListener('change', function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement)) return;
    var form = t.closest('form[data-bulk]');
    if (!form) return;
    if (t.hasAttribute('data-select-all')) {
      form.querySelectorAll('input[name="ids"]').forEach(function (b) { b.checked = t.checked; });
    }
    bulkState(form);
  });
  function init(root) {
    (root || document).querySelectorAll('form[data-bulk]').forEach(bulkState);
  }
  document.addEventListener('DOMContentLoaded', function () { init(document); });
  document.addEventListener('htmx:afterSettle', function () { init(document); });
  // Filter forms leave empty fields out of the request, so the URL holds only the filters in use.
  document.addEventListener('htmx:configRequest', function (e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || !elt.closest || !elt.closest('[data-omit-empty]')) return;
    var fd = e.detail.formData;
    if (!fd || !fd.forEach) return;
    var empty = [];
    fd.forEach(function (v, k) { if (v === '') empty.push(k); });
    empty.forEach(function (k) { fd.delete(k); });
  });
  // Keyboard: "/" focuses the inbox search, as in most admin tools.
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    var a = document.activeElement;
    if (a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.tagName === 'SELECT')) return;
    var s = document.getElementById('q');
    if (s) { e.preventDefault(); s.focus(); }
  });
})();
