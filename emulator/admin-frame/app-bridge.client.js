// The emulator's stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js, served
// at <emulator>/app-bridge.js and loaded by the embedded app only in emulator mode. It
// does what the app relies on from the real App Bridge:
//   - window.shopify: config, idToken(), toast.show(), loading()
//   - fetch to the app's own origin carries "Authorization: Bearer <fresh session token>"
//     and is retried once when the app answers 401 with X-Shopify-Retry-Invalid-Session-Request
//   - <ui-nav-menu> links are shown by the admin frame, whose clicks come back as
//     shopify:navigate events (the event AppProvider turns into a Remix navigation)
//   - the /auth/session-token bounce page reloads its target with a fresh id_token
//   - resourcePicker(options): the admin frame shows its picker over the shop's products,
//     variants or collections and answers with the selection (an array that also has a
//     `selection` property), or undefined when the merchant cancels
(function appBridgeStandIn() {
  if (window.shopify) return;
  const script = document.currentScript;
  const emulatorOrigin = new URL(script.src).origin;
  const apiKey = script.getAttribute("data-api-key") || "";
  const params = new URLSearchParams(window.location.search);
  const remembered = JSON.parse(sessionStorage.getItem("app-bridge-stand-in") || "{}");
  const shop = params.get("shop") || remembered.shop || "";
  const host = params.get("host") || remembered.host || "";
  const locale = params.get("locale") || remembered.locale || "en";
  sessionStorage.setItem("app-bridge-stand-in", JSON.stringify({ shop, host, locale }));

  const originalFetch = window.fetch.bind(window);
  const toParent = (message) =>
    window.parent.postMessage({ source: "app-bridge-stand-in", ...message }, emulatorOrigin);

  let cached = null;
  async function idToken() {
    const nowSeconds = Date.now() / 1000;
    if (cached && cached.exp - 10 > nowSeconds) return cached.token;
    const response = await originalFetch(`${emulatorOrigin}/session-token?shop=${encodeURIComponent(shop)}`);
    if (!response.ok) throw new Error(`Session token request failed with ${response.status}`);
    const body = await response.json();
    cached = { token: body.token, exp: body.exp };
    return body.token;
  }

  function isAppRequest(input) {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    return url.origin === window.location.origin;
  }

  async function authorizedFetch(input, init) {
    if (!isAppRequest(input)) return originalFetch(input, init);
    const send = async () => {
      const request = new Request(input, init);
      request.headers.set("Authorization", `Bearer ${await idToken()}`);
      return originalFetch(request);
    };
    const response = await send();
    if (response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
      cached = null;
      return send();
    }
    return response;
  }
  window.fetch = authorizedFetch;

  // Resource pickers waiting for the frame's answer, by request id.
  const pickers = new Map();
  window.shopify = {
    config: { apiKey, shop, host, locale },
    environment: { embedded: window.top !== window, mobile: false, pos: false },
    idToken,
    toast: {
      show(message, options = {}) {
        toParent({ type: "toast", message: String(message), isError: Boolean(options.isError) });
        return String(Date.now());
      },
      hide() {},
    },
    loading(isLoading) {
      toParent({ type: "loading", isLoading: Boolean(isLoading) });
    },
    resourcePicker(options) {
      const requestId = `picker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const picked = new Promise((resolve) => pickers.set(requestId, resolve));
      toParent({
        type: "resource-picker",
        requestId,
        options: {
          type: options.type,
          action: options.action || "add",
          multiple: options.multiple || false,
          query: options.query || "",
          selectionIds: (options.selectionIds || []).map((s) => s.id),
        },
      });
      return picked;
    },
  };

  // App Bridge's web components render nothing inside the app; the admin shows them.
  const style = document.createElement("style");
  style.textContent = "ui-nav-menu, ui-title-bar, ui-modal, ui-save-bar { display: none; }";
  document.head.appendChild(style);
  for (const name of ["ui-nav-menu", "ui-title-bar"]) {
    if (!customElements.get(name)) customElements.define(name, class extends HTMLElement {});
  }

  let lastPublished = "";
  function publishNavMenu() {
    const menu = document.querySelector("ui-nav-menu");
    if (!menu) return;
    const items = Array.from(menu.querySelectorAll("a")).map((anchor) => ({
      label: anchor.textContent.trim(),
      href: anchor.getAttribute("href"),
      home: anchor.getAttribute("rel") === "home",
    }));
    const message = { type: "nav-menu", items, path: window.location.pathname };
    const serialized = JSON.stringify(message);
    if (serialized === lastPublished) return;
    lastPublished = serialized;
    toParent(message);
  }
  new MutationObserver(publishNavMenu).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("popstate", publishNavMenu);
  document.addEventListener("DOMContentLoaded", publishNavMenu);

  window.addEventListener("message", (event) => {
    if (event.origin !== emulatorOrigin || !event.data || event.data.type !== "resource-picker-result")
      return;
    const resolve = pickers.get(event.data.requestId);
    if (!resolve) return;
    pickers.delete(event.data.requestId);
    if (!event.data.selection) return resolve(undefined);
    const selection = event.data.selection.slice();
    selection.selection = event.data.selection;
    resolve(selection);
  });

  window.addEventListener("message", (event) => {
    if (event.origin !== emulatorOrigin || !event.data || event.data.type !== "navigate") return;
    const href = event.data.href;
    const anchor = Array.from(document.querySelectorAll("ui-nav-menu a")).find(
      (a) => a.getAttribute("href") === href,
    );
    if (anchor) anchor.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
    else window.location.assign(href);
    setTimeout(publishNavMenu, 50);
  });

  // The library's bounce page: fetch a token and reload the target with it.
  if (window.location.pathname.endsWith("/auth/session-token") && params.get("shopify-reload")) {
    idToken().then((token) => {
      const target = new URL(params.get("shopify-reload"), window.location.href);
      target.searchParams.set("id_token", token);
      window.location.replace(target.href);
    });
  }
})();
