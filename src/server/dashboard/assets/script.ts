/**
 * The dashboard's own script, beside htmx: small enhancements only (every page works without it).
 * - Elements with `data-autosubmit` submit their form when changed (filters, period pickers).
 * - Buttons with `data-copy="#id"` copy that element's text (the storefront snippet, webhook URLs).
 * - After an htmx swap, focus moves to an element marked `data-focus` (keyboard users keep their place).
 */
export const DASHBOARD_JS = `(function(){
document.addEventListener('change',function(e){var t=e.target;if(t&&t.closest&&t.closest('[data-autosubmit]')&&t.form){t.form.requestSubmit?t.form.requestSubmit():t.form.submit();}});
document.addEventListener('click',function(e){var b=e.target&&e.target.closest&&e.target.closest('[data-copy]');if(!b)return;var el=document.querySelector(b.getAttribute('data-copy'));if(!el||!navigator.clipboard)return;navigator.clipboard.writeText(el.textContent||'').then(function(){var old=b.textContent;b.textContent=b.getAttribute('data-copied')||'✓';setTimeout(function(){b.textContent=old;},1500);});});
document.addEventListener('htmx:afterSwap',function(e){var f=e.target&&e.target.querySelector&&e.target.querySelector('[data-focus]');if(f)f.focus();});
})();`;
