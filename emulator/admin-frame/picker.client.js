// The admin frame's resource picker: App Bridge's resourcePicker in the app posts
// "resource-picker"; this shows a dialog over the shop's products, variants or collections
// (searched through /admin-frame/resources) and posts the selection back, or null on cancel.
(function resourcePicker() {
  const appOrigin = document.body.dataset.appOrigin;
  const shop = document.body.dataset.shop;
  const frame = document.getElementById("app-frame");
  const NOUN = { product: "products", variant: "product variants", collection: "collections" };

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function open(requestId, options) {
    const multiple = options.multiple === true || Number(options.multiple) > 1;
    const limit = typeof options.multiple === "number" ? options.multiple : multiple ? Infinity : 1;
    const chosen = new Map();
    const preselected = new Set(options.selectionIds || []);
    let items = [];
    const answer = (selection) => {
      backdrop.remove();
      frame.contentWindow.postMessage({ type: "resource-picker-result", requestId, selection }, appOrigin);
    };
    const list = el("ul", { class: "picker-list", role: "listbox", "aria-label": NOUN[options.type] });
    const count = el("span", { class: "picker-count" });
    const confirm = el("button", {
      class: "picker-primary",
      type: "button",
      text: options.action === "select" ? "Select" : "Add",
      onclick: () => answer([...chosen.values()]),
    });
    const search = el("input", {
      class: "picker-search",
      type: "search",
      placeholder: `Search ${NOUN[options.type]}`,
      "aria-label": `Search ${NOUN[options.type]}`,
    });
    const refresh = () => {
      count.textContent = chosen.size ? `${chosen.size} selected` : "";
      confirm.disabled = chosen.size === 0;
      list.replaceChildren(
        ...(items.length
          ? items.map((item) => {
              const box = el("input", { type: multiple ? "checkbox" : "radio", name: "picker-choice" });
              box.checked = chosen.has(item.id);
              box.addEventListener("change", () => {
                if (!multiple) chosen.clear();
                if (box.checked && chosen.size < limit) chosen.set(item.id, item);
                else chosen.delete(item.id);
                refresh();
              });
              const detail =
                options.type === "collection"
                  ? `${item.productsCount} products`
                  : options.type === "variant"
                    ? [item.sku, Number(item.price).toFixed(2)].filter(Boolean).join(" · ")
                    : `${item.totalVariants} variant${item.totalVariants === 1 ? "" : "s"} · ${item.productType || ""}`;
              return el("li", { role: "option" }, [
                el("label", {}, [
                  box,
                  el("span", { class: "picker-title", text: item.displayName || item.title }),
                  el("span", { class: "picker-detail", text: detail }),
                ]),
              ]);
            })
          : [el("li", { class: "picker-empty", text: `No ${NOUN[options.type]} match.` })]),
      );
    };
    const load = async () => {
      const params = new URLSearchParams({ shop, type: options.type, query: search.value });
      const response = await fetch(`/admin-frame/resources?${params}`);
      items = response.ok ? (await response.json()).items : [];
      for (const item of items) if (preselected.has(item.id) && !chosen.size) chosen.set(item.id, item);
      refresh();
    };
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    search.value = options.query || "";
    const dialog = el(
      "div",
      {
        class: "picker",
        role: "dialog",
        "aria-modal": "true",
        "aria-label": `Select ${NOUN[options.type]}`,
        "data-testid": "resource-picker",
      },
      [
        el("header", {}, [
          el("h2", { text: `${options.action === "select" ? "Select" : "Add"} ${NOUN[options.type]}` }),
          el("button", {
            class: "picker-close",
            type: "button",
            "aria-label": "Close",
            text: "×",
            onclick: () => answer(null),
          }),
        ]),
        el("div", { class: "picker-body" }, [search, list]),
        el("footer", {}, [
          count,
          el("button", { type: "button", text: "Cancel", onclick: () => answer(null) }),
          confirm,
        ]),
      ],
    );
    const backdrop = el("div", { class: "picker-backdrop" }, [dialog]);
    document.body.append(backdrop);
    search.focus();
    void load();
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.origin !== appOrigin || !data || data.source !== "app-bridge-stand-in") return;
    if (data.type === "resource-picker") open(data.requestId, data.options || {});
  });
})();
