// Runs in the admin frame page: renders the app's NavMenu links, forwards clicks on them
// and on the app's own entry (its home link) to the app, which navigates as on a
// shopify:navigate event, and shows the toasts and loading bar App Bridge asks for. Messages are accepted only from the app's origin.
(function adminFrame() {
  const appOrigin = document.body.dataset.appOrigin;
  const frame = document.getElementById("app-frame");
  const nav = document.getElementById("app-nav");
  const toasts = document.getElementById("toasts");
  const loading = document.getElementById("loading");
  const home = document.getElementById("app-home");
  let homeHref = null;

  const navigate = (href) => frame.contentWindow.postMessage({ type: "navigate", href }, appOrigin);
  // As in admin, the app's own entry opens the app's home page.
  home.addEventListener("click", (click) => {
    click.preventDefault();
    if (homeHref) navigate(homeHref);
  });

  function renderNav(items, path) {
    homeHref = (items.find((item) => item.home) || {}).href || null;
    nav.replaceChildren(
      ...items
        .filter((item) => !item.home)
        .map((item) => {
          const li = document.createElement("li");
          const link = document.createElement("a");
          link.textContent = item.label;
          link.href = "#";
          // As in admin, a page under an entry (/app/program/earning) keeps the entry active.
          if (path === item.href || path.startsWith(`${item.href}/`)) link.className = "active";
          link.addEventListener("click", (click) => {
            click.preventDefault();
            navigate(item.href);
          });
          li.append(link);
          return li;
        }),
    );
  }

  function showToast(message, isError) {
    const toast = document.createElement("div");
    toast.className = isError ? "toast error" : "toast";
    toast.textContent = message;
    toasts.append(toast);
    setTimeout(() => toast.remove(), 5000);
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.origin !== appOrigin || !data || data.source !== "app-bridge-stand-in") return;
    if (data.type === "nav-menu") renderNav(data.items, data.path);
    else if (data.type === "toast") showToast(data.message, data.isError);
    else if (data.type === "loading") loading.hidden = !data.isLoading;
  });
})();
