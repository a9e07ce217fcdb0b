/**
 * The dashboard's own script, beside htmx: small enhancements only (every page works without it).
 * - Elements with `data-autosubmit` submit their form when changed (filters, period pickers).
 * - Buttons with `data-copy="#id"` copy that element's text (the storefront snippet, webhook URLs).
 * - After an htmx swap, focus moves to an element marked `data-focus` (keyboard users keep their place).
 * - After a live preview, a field whose error place (its aria-describedby) has text is marked aria-invalid.
 * - The menu's groups (`details.nav-group`): opening one closes the others; Escape or a click
 *   elsewhere closes it (Escape gives the focus back to its summary).
 * - A box with `data-center` (a flow's graph wider than a phone) starts scrolled to its middle.
 * - A form with `data-upload-progress="#id"` (imports) is sent by XMLHttpRequest so that the
 *   `<progress>` it names shows the upload's bytes; then the browser goes where the answer ended
 *   (the redirect's target), or shows the answer (a form error). Without JS, the form posts itself.
 */
export const DASHBOARD_JS = `(function(){
document.addEventListener('change',function(e){var t=e.target;if(t&&t.closest&&t.closest('[data-autosubmit]')&&t.form){t.form.requestSubmit?t.form.requestSubmit():t.form.submit();}});
document.addEventListener('click',function(e){var b=e.target&&e.target.closest&&e.target.closest('[data-copy]');if(!b)return;var el=document.querySelector(b.getAttribute('data-copy'));if(!el||!navigator.clipboard)return;navigator.clipboard.writeText(el.textContent||'').then(function(){var old=b.textContent;b.textContent=b.getAttribute('data-copied')||'✓';setTimeout(function(){b.textContent=old;},1500);});});
document.addEventListener('submit',function(e){var f=e.target;var sel=f&&f.getAttribute&&f.getAttribute('data-upload-progress');if(!sel||!window.XMLHttpRequest||!window.FormData)return;var bar=document.querySelector(sel);e.preventDefault();var x=new XMLHttpRequest();x.open('POST',f.action);if(bar){bar.hidden=false;bar.removeAttribute('value');}x.upload.onprogress=function(p){if(bar&&p.lengthComputable){bar.max=p.total;bar.value=p.loaded;}};x.onload=function(){if(x.status<300&&x.responseURL&&x.responseURL!==f.action){location.assign(x.responseURL);return;}document.open();document.write(x.responseText);document.close();};x.onerror=function(){f.removeAttribute('data-upload-progress');f.submit();};var b=f.querySelector('button[type=submit]');if(b)b.disabled=true;x.send(new FormData(f));});
document.addEventListener('DOMContentLoaded',function(){document.querySelectorAll('[data-center]').forEach(function(b){b.scrollLeft=(b.scrollWidth-b.clientWidth)/2;});});
document.addEventListener('htmx:afterSettle',function(){document.querySelectorAll('p.field-error[id]').forEach(function(p){var c=document.querySelector('[aria-describedby~="'+p.id+'"]');if(!c)return;if((p.textContent||'').trim())c.setAttribute('aria-invalid','true');else c.removeAttribute('aria-invalid');});});
document.addEventListener('htmx:afterSwap',function(e){var f=e.target&&e.target.querySelector&&e.target.querySelector('[data-focus]');if(f)f.focus();});
document.addEventListener('toggle',function(e){var d=e.target;if(!d||!d.matches||!d.matches('details.nav-group')||!d.open)return;document.querySelectorAll('details.nav-group[open]').forEach(function(o){if(o!==d)o.open=false;});},true);
document.addEventListener('keydown',function(e){if(e.key!=='Escape')return;var d=document.querySelector('details.nav-group[open]');if(!d)return;d.open=false;var s=d.querySelector('summary');if(s)s.focus();});
document.addEventListener('click',function(e){var t=e.target;document.querySelectorAll('details.nav-group[open]').forEach(function(d){if(!d.contains(t))d.open=false;});});
})();`;
