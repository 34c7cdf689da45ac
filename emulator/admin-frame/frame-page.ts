import { readFileSync } from "node:fs";

// The Shopify-admin-like page around the embedded app: top bar with the store, the
// admin's left navigation with the app's NavMenu links under "Apps", the app in an
// iframe, and App Bridge toasts. The nav links arrive from the app's App Bridge
// stand-in (postMessage), as the real admin reads them from <ui-nav-menu>; frame.client.js
// handles them in the page.

export type FramePageInput = {
  shop: string;
  shopName: string;
  appTitle: string;
  appOrigin: string;
  iframeSrc: string;
};

const FRAME_SCRIPT = readFileSync(new URL("./frame.client.js", import.meta.url), "utf8");
const PICKER_SCRIPT = readFileSync(new URL("./picker.client.js", import.meta.url), "utf8");

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const ADMIN_SECTIONS = [
  "Home",
  "Orders",
  "Products",
  "Customers",
  "Marketing",
  "Discounts",
  "Content",
  "Markets",
  "Analytics",
];

export function framePage(input: FramePageInput): string {
  const initials = input.shopName
    .split(/\s+/)
    .map((word) => word[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();
  const sections = ADMIN_SECTIONS.map((label) => `<li class="section">${label}</li>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.appTitle)} · ${escapeHtml(input.shopName)} · Shopify</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLES}</style>
</head>
<body data-app-origin="${escapeHtml(input.appOrigin)}" data-shop="${escapeHtml(input.shop)}">
<header class="topbar">
  <div class="brand"><span class="logo">S</span><span>shopify</span></div>
  <div class="search">Search</div>
  <div class="store" data-testid="store-name"><span class="avatar">${escapeHtml(initials)}</span>${escapeHtml(input.shopName)}</div>
</header>
<div class="body">
  <nav class="sidebar" aria-label="Admin">
    <ul>${sections}</ul>
    <p class="heading">Apps</p>
    <ul>
      <li><a class="app" id="app-home" href="#"><span class="app-icon">L</span>${escapeHtml(input.appTitle)}</a></li>
      <li><ul id="app-nav" class="app-nav" data-testid="app-nav"></ul></li>
    </ul>
    <p class="emulator">Shopify emulator · ${escapeHtml(input.shop)}</p>
  </nav>
  <main class="content">
    <div class="app-bar"><span class="app-icon">L</span>${escapeHtml(input.appTitle)}</div>
    <div class="loading" id="loading" hidden></div>
    <iframe id="app-frame" name="app-iframe" title="${escapeHtml(input.appTitle)}" src="${escapeHtml(input.iframeSrc)}"></iframe>
  </main>
</div>
<div id="toasts" class="toasts" aria-live="polite"></div>
<script>${FRAME_SCRIPT}</script>
<script>${PICKER_SCRIPT}</script>
</body>
</html>`;
}

const STYLES = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font-family:-apple-system,BlinkMacSystemFont,"San Francisco","Segoe UI",Roboto,"Helvetica Neue",sans-serif;font-size:13px;color:#303030;background:#1a1a1a}
.topbar{height:56px;display:flex;align-items:center;justify-content:space-between;padding:0 16px;color:#e3e3e3}
.brand{display:flex;align-items:center;gap:8px;font-weight:650;font-size:16px;letter-spacing:-.2px;width:228px}
.logo{display:inline-grid;place-items:center;width:26px;height:26px;border-radius:6px;background:#95bf47;color:#1a1a1a;font-weight:800}
.search{flex:0 1 560px;height:34px;border-radius:10px;background:#303030;border:1px solid #4a4a4a;color:#8a8a8a;display:flex;align-items:center;padding:0 12px}
.store{display:flex;align-items:center;gap:8px;font-weight:550}
.avatar{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:8px;background:#36fba1;color:#1a1a1a;font-size:11px;font-weight:700}
.body{display:flex;height:calc(100% - 56px);background:#f1f1f1;border-radius:12px 12px 0 0;overflow:hidden}
.sidebar{width:240px;flex:none;padding:12px 8px;background:#ebebeb;border-right:1px solid #e3e3e3;overflow:auto}
.sidebar ul{list-style:none;margin:0;padding:0}
.section,.app{padding:6px 8px;border-radius:8px;font-weight:550;color:#303030;text-decoration:none}
.app{display:flex;align-items:center;gap:8px;background:#fafafa}
.app-icon{display:inline-grid;place-items:center;width:20px;height:20px;border-radius:5px;background:#6d28d9;color:#fff;font-size:11px;font-weight:700}
.heading{margin:16px 8px 4px;font-size:12px;font-weight:650;color:#616161}
.app-nav a{display:block;padding:5px 8px 5px 36px;border-radius:8px;color:#616161;text-decoration:none}
.app-nav a:hover{background:#fafafa}
.app-nav a.active{color:#303030;font-weight:650;background:#fafafa}
.emulator{margin:24px 8px 0;font-size:11px;color:#8a8a8a}
.content{flex:1;position:relative;display:flex;flex-direction:column}
.app-bar{height:48px;flex:none;display:flex;align-items:center;gap:8px;padding:0 20px;background:#fff;border-bottom:1px solid #e3e3e3;font-weight:650;font-size:14px}
.content iframe{flex:1;border:0;width:100%;height:100%;background:#f1f1f1}
.loading{position:absolute;top:48px;left:0;right:0;height:3px;background:linear-gradient(90deg,#1a1a1a,#8a8a8a)}
.toasts{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);display:flex;flex-direction:column;gap:8px}
.toast{background:#1a1a1a;color:#fff;padding:10px 16px;border-radius:10px;font-weight:550;box-shadow:0 4px 12px rgba(0,0,0,.25)}
.toast.error{background:#8e1f0b}
.picker-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);display:grid;place-items:center;z-index:10}
.picker{width:min(620px,92vw);max-height:80vh;display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 16px 40px rgba(0,0,0,.3)}
.picker header{display:flex;align-items:center;justify-content:space-between;padding:14px 16px;border-bottom:1px solid #e3e3e3}
.picker h2{margin:0;font-size:14px;font-weight:650}
.picker-close{border:0;background:none;font-size:20px;cursor:pointer;color:#616161}
.picker-body{padding:12px 16px;overflow:auto;flex:1}
.picker-search{width:100%;height:32px;border:1px solid #8a8a8a;border-radius:8px;padding:0 10px;font:inherit;margin-bottom:8px}
.picker-list{list-style:none;margin:0;padding:0}
.picker-list li{border-bottom:1px solid #f1f1f1}
.picker-list label{display:grid;grid-template-columns:20px 1fr auto;gap:8px;align-items:center;padding:8px 4px;cursor:pointer}
.picker-list label:hover{background:#f7f7f7}
.picker-title{font-weight:550}
.picker-detail{color:#616161;font-size:12px}
.picker-empty{padding:16px 4px;color:#616161}
.picker footer{display:flex;align-items:center;gap:8px;justify-content:flex-end;padding:12px 16px;border-top:1px solid #e3e3e3}
.picker-count{margin-right:auto;color:#616161}
.picker footer button{height:30px;padding:0 12px;border-radius:8px;border:1px solid #c9c9c9;background:#fff;font:inherit;font-weight:550;cursor:pointer}
.picker footer .picker-primary{background:#303030;color:#fff;border-color:#303030}
.picker footer .picker-primary:disabled{opacity:.5;cursor:default}
`;
