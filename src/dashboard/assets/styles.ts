/**
 * The dashboard stylesheet, kept in a module so `tsc` ships it with the code (no asset build step).
 * Served at /assets/dashboard.css with a long cache lifetime; the URL carries a content hash.
 */
export const DASHBOARD_CSS = `
:root {
  --bg: #f4f6f9; --panel: #fff; --line: #dde3ea; --line-strong: #c5ced9; --text: #1d2733; --muted: #5d6b7a;
  --brand: #1f5fbf; --brand-dark: #174a96; --brand-soft: #e8f0fc; --top: #14243a; --top-text: #dfe7f2;
  --ok: #1e8a4c; --ok-soft: #e4f5ea; --fail: #c92a2a; --fail-soft: #fdeaea; --warn: #b25e09; --warn-soft: #fff1df;
  --off: #6b7785; --off-soft: #eceff3; --focus: #f59f00; --radius: 6px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; line-height: 1.45; color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
a { color: var(--brand); text-decoration: none; }
a:hover { text-decoration: underline; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
h1 { font-size: 20px; margin: 0 0 4px; font-weight: 600; }
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 600; }
h3 { font-size: 14px; margin: 0 0 8px; font-weight: 600; }
p { margin: 0 0 12px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 8px; z-index: 10; }
.skip:focus { left: 8px; }

/* Top bar */
.topbar { background: var(--top); color: var(--top-text); display: flex; align-items: center; gap: 24px; padding: 0 20px; height: 52px; flex: none; }
.brand { color: #fff; font-weight: 700; font-size: 17px; letter-spacing: .2px; display: flex; align-items: center; gap: 8px; }
.brand:hover { text-decoration: none; }
.brand-mark { width: 22px; height: 22px; border-radius: 5px; background: linear-gradient(135deg, #4c8df6, #1f5fbf); display: inline-block; position: relative; }
.brand-mark::after { content: ""; position: absolute; inset: 6px; border-radius: 50%; border: 2px solid #fff; }
.mainnav { display: flex; gap: 4px; height: 100%; }
.mainnav a { color: var(--top-text); display: flex; align-items: center; padding: 0 14px; border-bottom: 3px solid transparent; }
.mainnav a:hover { color: #fff; text-decoration: none; background: rgba(255,255,255,.06); }
.mainnav a[aria-current="page"] { color: #fff; border-bottom-color: #4c8df6; }
.who { margin-left: auto; display: flex; align-items: center; gap: 14px; }
.who .account { font-weight: 600; color: #fff; }
.who .user { color: #aab8c9; font-size: 13px; }
.who form { margin: 0; }
.who button { background: transparent; border: 1px solid #3a4d66; color: var(--top-text); border-radius: var(--radius); padding: 5px 10px; cursor: pointer; font: inherit; font-size: 13px; }
.who button:hover { background: rgba(255,255,255,.08); }

/* Page shell */
.shell { flex: 1; display: flex; min-height: 0; }
.sidebar { width: 270px; flex: none; background: var(--panel); border-right: 1px solid var(--line); overflow-y: auto; height: calc(100vh - 52px); position: sticky; top: 0; }
body { height: 100vh; }
.shell { overflow: hidden; }
.content { overflow-y: auto; height: calc(100vh - 52px); }
.sidebar h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); padding: 16px 16px 6px; margin: 0; }
.content { flex: 1; padding: 20px 24px 40px; min-width: 0; }
.page-head { display: flex; align-items: flex-end; justify-content: space-between; gap: 16px; margin-bottom: 16px; }
.crumbs { color: var(--muted); font-size: 13px; margin-bottom: 2px; }
.crumbs a { color: var(--muted); }
.subtle { color: var(--muted); }

/* Tree */
.tree { list-style: none; margin: 0; padding: 0 8px 16px; }
.tree li { margin: 0; }
.tree a { display: flex; align-items: center; gap: 8px; padding: 6px 8px; border-radius: var(--radius); color: var(--text); }
.tree a:hover { background: var(--bg); text-decoration: none; }
.tree a[aria-current="page"] { background: var(--brand-soft); color: var(--brand-dark); font-weight: 600; }
.tree .name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tree .count { color: var(--muted); font-size: 12px; }
.tree .sites { list-style: none; margin: 2px 0 6px 14px; padding-left: 8px; border-left: 2px solid var(--line); }
.tree .twisty { width: 10px; color: var(--muted); font-size: 10px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--ok); flex: none; }
.dot.fail { background: var(--fail); }

/* Panels, tabs, tables */
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 20px; }
.panel-body { padding: 18px 20px; }
.panel > h2 { padding: 14px 20px; margin: 0; border-bottom: 1px solid var(--line); }
.tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--line); padding: 0 12px; }
.tabs a { padding: 11px 14px; color: var(--muted); border-bottom: 2px solid transparent; margin-bottom: -1px; font-weight: 500; }
.tabs a:hover { color: var(--text); text-decoration: none; }
.tabs a[aria-current="page"] { color: var(--brand-dark); border-bottom-color: var(--brand); }
.tabs .badge { margin-left: 6px; }
table.grid { width: 100%; border-collapse: collapse; }
.grid th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); font-weight: 600; padding: 10px 12px; border-bottom: 1px solid var(--line); background: #fafbfc; white-space: nowrap; }
.grid td { padding: 9px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
.grid tr:last-child td { border-bottom: none; }
.grid tbody tr:hover { background: #f8fafc; }
.grid .when { white-space: nowrap; }
.grid .num { text-align: right; font-variant-numeric: tabular-nums; }
.grid .wrap { max-width: 420px; overflow-wrap: anywhere; }
.empty { padding: 28px; text-align: center; color: var(--muted); }
.pager { display: flex; align-items: center; justify-content: space-between; padding: 10px 14px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
.pager .links { display: flex; gap: 8px; }

/* Status pills */
.badge { display: inline-block; border-radius: 999px; padding: 1px 8px; font-size: 12px; font-weight: 600; background: var(--off-soft); color: var(--off); white-space: nowrap; }
.status { display: inline-flex; align-items: center; gap: 6px; border-radius: 999px; padding: 2px 9px 2px 7px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.status::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.status.ok { background: var(--ok-soft); color: var(--ok); }
.status.fail { background: var(--fail-soft); color: var(--fail); }
.status.warn { background: var(--warn-soft); color: var(--warn); }
.status.off { background: var(--off-soft); color: var(--off); }
.failcount { color: var(--fail); font-weight: 600; }

/* Key/value facts */
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 14px 24px; margin: 0; }
.facts div { min-width: 0; }
.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; }
.facts dd { margin: 2px 0 0; overflow-wrap: anywhere; }

/* Forms and buttons */
label { display: block; font-weight: 600; margin-bottom: 4px; }
.field { margin-bottom: 14px; }
.field .hint { color: var(--muted); font-size: 12px; margin-top: 4px; }
input[type=text], input[type=email], input[type=password], input[type=date], select {
  font: inherit; width: 100%; max-width: 380px; padding: 8px 10px; border: 1px solid var(--line-strong); border-radius: var(--radius); background: #fff; color: var(--text);
}
input:focus, select:focus { border-color: var(--brand); outline: 2px solid var(--brand-soft); }
input[aria-invalid="true"] { border-color: var(--fail); }
.error { color: var(--fail); font-size: 13px; margin-top: 4px; font-weight: 500; }
.error-banner { background: var(--fail-soft); color: var(--fail); border: 1px solid #f3c2c2; border-radius: var(--radius); padding: 10px 12px; margin-bottom: 14px; }
.notice { background: var(--ok-soft); color: var(--ok); border: 1px solid #bfe5cc; border-radius: var(--radius); padding: 10px 12px; margin-bottom: 14px; }
.warning { background: var(--warn-soft); color: #7a3f00; border: 1px solid #f5d3a8; border-radius: var(--radius); padding: 10px 12px; margin-bottom: 14px; }
.btn { font: inherit; font-weight: 600; display: inline-flex; align-items: center; gap: 6px; border-radius: var(--radius); padding: 8px 16px; cursor: pointer; border: 1px solid var(--line-strong); background: #fff; color: var(--text); }
.btn:hover { background: var(--bg); text-decoration: none; }
.btn.primary { background: var(--brand); border-color: var(--brand); color: #fff; }
.btn.primary:hover { background: var(--brand-dark); }
.btn.danger { color: var(--fail); border-color: #efb5b5; }
.btn.danger:hover { background: var(--fail-soft); }
.btn.small { padding: 4px 10px; font-size: 13px; }
.row { display: flex; gap: 10px; align-items: flex-start; flex-wrap: wrap; }
.row > .btn { margin-top: 25px; }
.row .field { margin-bottom: 0; }
.inline-form { display: inline; margin: 0; }

/* Disclosure rows (Edit …) */
summary { cursor: pointer; color: var(--brand); font-weight: 500; }
details[open] > summary { margin-bottom: 10px; }
details form { margin-bottom: 10px; }

/* Settings */
.settings { display: flex; gap: 24px; align-items: flex-start; }
.settings-nav { width: 210px; flex: none; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.settings-nav a { display: block; padding: 8px 10px; border-radius: var(--radius); color: var(--text); }
.settings-nav a:hover { background: var(--bg); text-decoration: none; }
.settings-nav a[aria-current="page"] { background: var(--brand-soft); color: var(--brand-dark); font-weight: 600; }
.settings-main { flex: 1; min-width: 0; }
.keybox { display: block; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 18px; letter-spacing: .5px; background: #0f1b2d; color: #e6f0ff; border-radius: var(--radius); padding: 12px 14px; margin: 8px 0 14px; user-select: all; overflow-wrap: anywhere; }

/* Dialog */
dialog { border: none; border-radius: 10px; padding: 0; width: min(560px, 92vw); box-shadow: 0 20px 60px rgba(10, 20, 40, .35); color: var(--text); }
dialog::backdrop { background: rgba(15, 27, 45, .55); }
dialog[open]:not(:modal) { position: fixed; top: 12vh; z-index: 20; }
.dialog-head { padding: 16px 20px; border-bottom: 1px solid var(--line); }
.dialog-head h2 { margin: 0; }
.dialog-body { padding: 18px 20px; }
.dialog-foot { padding: 12px 20px; border-top: 1px solid var(--line); display: flex; justify-content: flex-end; background: #fafbfc; border-radius: 0 0 10px 10px; }

/* Login */
.login-page { flex: 1; display: flex; align-items: center; justify-content: center; background: linear-gradient(160deg, #14243a 0%, #1f3a5f 55%, #e9eef5 55.1%); padding: 24px; }
.login-card { background: #fff; width: 380px; max-width: 100%; border-radius: 12px; box-shadow: 0 20px 50px rgba(10, 20, 40, .25); padding: 30px 30px 26px; }
.login-card .brand { color: var(--top); margin-bottom: 18px; font-size: 20px; }
.login-card input { max-width: none; }
.login-card .btn { width: 100%; justify-content: center; padding: 10px; margin-top: 6px; }
`;
