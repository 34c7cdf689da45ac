/*
 * Loyalty widget: one script for the launcher panel (app embed) and the app blocks. Member
 * data is fetched once per page from the app proxy (PROXY_CONTRACT.md) and shared by every
 * view; a guest's panel fetches the program it sells (ways to earn, rewards, tiers) when it
 * is opened, and its way in (join, sign in) is Liquid's. A member's inbox (campaign messages)
 * is read on page load for the launcher's badge. Budget: 10 KB gzipped.
 *
 * Shopify injects a theme app extension's script as <script async> in <head>: it may run
 * before the body exists, so it starts once the document is parsed.
 */
(() => {
  const d = document;
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start);
  else start();

  function start() {
    if (window.LoyaltyWidget) return;
    const i18nEl = d.querySelector("[data-lw-i18n]");
    if (!i18nEl) return;
    // Shopify may HTML-escape translations; decode each string once (a textarea never runs markup).
    const decoder = d.createElement("textarea");
    const T = {};
    for (const [k, v] of Object.entries(JSON.parse(i18nEl.textContent || "{}"))) {
      decoder.innerHTML = v;
      T[k] = decoder.value;
    }
    // The app proxy's prefix and subpath are the merchant's to change (the app's Widget page).
    const base =
      (i18nEl.getAttribute("data-lw-root") || "/").replace(/\/$/, "") +
      (i18nEl.getAttribute("data-lw-proxy") || "/apps/loyalty");
    const lang = d.documentElement.lang || navigator.language || "en";
    const nf = new Intl.NumberFormat(lang);
    const plural = new Intl.PluralRules(lang);

    const fill = (text, vars) =>
      String(text).replace(/\{(\w+)\}/g, (_, k) => (vars && k in vars ? vars[k] : ""));
    const t = (key, vars) => fill(T[key] == null ? key : T[key], vars);
    const count = (key, n) => t(key + (plural.select(n) === "one" ? "_one" : "_other"), { n: nf.format(n) });
    const points = (n) => count("points", n);
    const money = (minor, currency) => {
      const f = new Intl.NumberFormat(lang, { style: "currency", currency });
      return f.format(minor / 10 ** (f.resolvedOptions().maximumFractionDigits || 0));
    };
    // "$1": what one unit of the currency reads as, for "10 points for every $1 spent".
    const one = (currency) =>
      new Intl.NumberFormat(lang, { style: "currency", currency, minimumFractionDigits: 0 }).format(1);
    const date = (iso) => new Intl.DateTimeFormat(lang, { dateStyle: "medium" }).format(new Date(iso));

    /** h("li", {class: "x", onclick: fn}, child, "text") */
    const h = (tag, attrs, ...kids) => {
      const node = d.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) {
        if (v == null || v === false) continue;
        if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : v);
      }
      for (const kid of kids.flat()) if (kid != null && kid !== false) node.append(kid);
      return node;
    };

    let live = d.querySelector("[data-lw-live]");
    if (!live) {
      live = h("div", { class: "lw-sr-only", "aria-live": "polite", "data-lw-live": true });
      d.body.append(live);
    }
    const announce = (text) => {
      live.textContent = "";
      setTimeout(() => (live.textContent = text), 50);
    };

    // ---- state shared by every view ----
    const store = { status: null, error: null, loading: null, result: null, busy: null };
    const views = new Set();
    // Re-rendering replaces nodes; keep keyboard focus on the "same" control when it is rebuilt.
    const render = () => {
      // A customer in the program holdout sees nothing of the program, launcher included.
      if (store.status && store.status.reason === "noProgram") {
        d.querySelectorAll(".lw-root, [data-lw-view]").forEach((el) => (el.hidden = true));
        return;
      }
      const active = d.activeElement;
      const key = active && active.getAttribute && active.getAttribute("data-lw-key");
      const view = key && active.closest("[data-lw-view]");
      views.forEach((v) => v());
      if (view && !view.contains(active)) {
        const again = view.querySelector(`[data-lw-key="${key}"]`);
        if (again) again.focus();
      }
    };

    async function api(path, init) {
      const res = await fetch(base + path, {
        credentials: "same-origin",
        ...init,
        headers: { Accept: "application/json", ...(init && init.headers) },
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw { status: res.status, code: body && body.error && body.error.code, body };
      return body;
    }

    function load() {
      if (!store.loading) {
        store.error = null;
        store.loading = api("/status")
          .then((status) => (store.status = status))
          .catch((error) => {
            store.error = error;
            store.loading = null;
          })
          .finally(render);
        render();
      }
      return store.loading;
    }

    // A guest's panel: the 401 login_required answer carries the program it sells.
    const guest = { program: null, loading: false };
    function loadProgram() {
      if (guest.program || guest.loading) return;
      guest.loading = true;
      api("/status")
        .catch((e) => (guest.program = (e && e.body && e.body.error && e.body.error.join) || null))
        .finally(() => ((guest.loading = false), render()));
      render();
    }

    const uuid = () =>
      crypto.randomUUID
        ? crypto.randomUUID()
        : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
            (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
          );
    // One client key per attempt: a retry after a network failure reuses it, so the server
    // redeems at most once; an answer from the server ends the attempt.
    const attempts = new Map();

    async function redeem(reward, origin) {
      if (store.busy) return;
      const clientKey = attempts.get(reward.id) || uuid();
      attempts.set(reward.id, clientKey);
      store.busy = reward.id;
      render();
      try {
        const body = await api("/redeem", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ rewardId: reward.id, clientKey }),
        });
        attempts.delete(reward.id);
        const r = body.redemption;
        store.status.balance = body.balance;
        // Spending only lowers the balance, so affordability can only drop; the refresh below
        // brings limits and anything else the server knows.
        for (const item of store.status.rewards) {
          item.shortBy = Math.max(0, item.pointsCost - body.balance.available);
          item.affordable = item.affordable && item.shortBy === 0;
        }
        api("/status")
          .then((status) => ((store.status = status), render()))
          .catch(() => {});
        store.result = { origin, name: r.rewardName || reward.name, code: r.code, expiresAt: r.expiresAt };
        announce(t("code_ready", { reward: store.result.name }) + " " + r.code + ". " + balanceText());
      } catch (error) {
        // A pending code is finished by retrying with the same key; any other answer is final.
        if (error && error.status && error.code !== "code_pending") attempts.delete(reward.id);
        const code = error && error.code;
        const message = code && T["error_" + code] ? t("error_" + code) : t("error_generic");
        store.result = { origin, error: message };
        announce(message);
      } finally {
        store.busy = null;
        render();
        const focusTarget = d.querySelector(`[data-lw-view="${origin}"] [data-lw-result-focus]`);
        if (focusTarget) focusTarget.focus();
      }
    }

    const balanceText = () => t("balance_now", { points: points(store.status.balance.available) });

    // ---- shared fragments ----
    const amountOf = (basis, value, currency) =>
      basis === "spend" ? money(value, currency) : count(basis === "orders" ? "orders" : "points", value);
    const heading = (key) => h("h3", { class: "lw-heading" }, t(key));
    const list = (cls, items) => h("ul", { class: cls, role: "list" }, items);

    function progress(fraction, label) {
      const pct = Math.round(Math.min(1, Math.max(0, fraction || 0)) * 100);
      return h(
        "div",
        {
          class: "lw-progress",
          role: "progressbar",
          "aria-valuemin": "0",
          "aria-valuemax": "100",
          "aria-valuenow": String(pct),
          "aria-label": label,
        },
        h("span", { class: "lw-progress__bar", style: `width:${pct}%` }),
      );
    }

    function earnList(earn, currency) {
      const items = [
        earn.pointsPerCurrencyUnit > 0 &&
          t("earn_rate", { points: points(earn.pointsPerCurrencyUnit), amount: one(currency) }),
        earn.signup > 0 && t("earn_signup", { points: points(earn.signup) }),
        earn.firstOrder > 0 && t("earn_first_order", { points: points(earn.firstOrder) }),
        earn.birthday > 0 && t("earn_birthday", { points: points(earn.birthday) }),
        ...earn.campaigns.map((c) =>
          t("earn_campaign_" + c.kind, {
            campaign: c.name,
            n: nf.format(c.multiplier),
            points: c.points && points(c.points),
            date: date(c.endsAt),
          }),
        ),
      ].filter(Boolean);
      return items.length
        ? [
            heading("earn_heading"),
            list(
              "lw-list",
              items.map((x) => h("li", null, x)),
            ),
          ]
        : null;
    }

    // "500 points · $50 minimum order · Once per customer"
    function rewardText(r) {
      const notes = [
        points(r.pointsCost),
        r.minimumSubtotal &&
          t("cond_minimum", { amount: money(r.minimumSubtotal.amountMinor, r.minimumSubtotal.currency) }),
        r.perMemberLimit && count("cond_limit", r.perMemberLimit),
        r.availableUntil && t("cond_until", { date: date(r.availableUntil) }),
      ];
      return h(
        "span",
        { class: "lw-reward__text" },
        h("span", { class: "lw-reward__name" }, r.name),
        h("span", { class: "lw-reward__cost" }, notes.filter(Boolean).join(" · ")),
      );
    }

    function tierList(tiers, currency) {
      if (!tiers.levels.length) return null;
      return [
        heading("tiers_heading"),
        list(
          "lw-list lw-tiers",
          tiers.levels.map((l) => {
            const notes = [
              l.threshold > 0
                ? t("tier_from", { amount: amountOf(tiers.basis, l.threshold, currency) })
                : t("tier_start"),
              l.perkPercent > 0 && t("perk_percent", { n: nf.format(l.perkPercent) }),
              l.freeShipping && t("perk_shipping"),
              l.earnMultiplier > 1 && t("perk_multiplier", { n: nf.format(l.earnMultiplier) }),
            ];
            return h(
              "li",
              null,
              h("strong", null, l.name),
              h("span", { class: "lw-muted" }, notes.filter(Boolean).join(" · ")),
            );
          }),
        ),
      ];
    }

    function nextRewardFragment(s) {
      const next = s.nextReward;
      if (!next)
        return s.rewards.some((r) => r.affordable)
          ? h("p", { class: "lw-tier__next" }, t("next_reward_ready"))
          : null;
      const label = t("next_reward", { points: points(next.remaining), reward: next.name });
      return h(
        "div",
        { class: "lw-tier" },
        progress(next.fraction, label),
        h("p", { class: "lw-tier__next" }, label),
      );
    }

    function tierFragment(status) {
      const tier = status.tier;
      if (!tier) return null;
      const now = tier.current ? t("tier_current", { tier: tier.current.name }) : t("tier_none");
      const next = tier.next
        ? t("tier_next", {
            amount: amountOf(tier.basis, tier.remaining, status.currency),
            tier: tier.next.name,
          })
        : tier.current
          ? t("tier_top")
          : "";
      return h(
        "div",
        { class: "lw-tier" },
        h("p", { class: "lw-tier__name" }, now),
        tier.next && progress(tier.fraction, next),
        h("p", { class: "lw-tier__next" }, next),
      );
    }

    function rewardItem(reward, origin) {
      const busy = store.busy === reward.id;
      let action;
      if (reward.affordable) {
        action = h(
          "button",
          {
            type: "button",
            class: "lw-button lw-button--small",
            "data-lw-key": "redeem-" + reward.id,
            "aria-busy": busy ? "true" : null,
            "aria-disabled": store.busy ? "true" : null,
            "aria-label": t("redeem_label", { reward: reward.name, points: points(reward.pointsCost) }),
            onclick: () => redeem(reward, origin),
          },
          busy ? t("redeeming") : t("redeem"),
        );
      } else {
        action = h(
          "span",
          { class: "lw-reward__note" },
          reward.available ? t("needs_more", { points: points(reward.shortBy) }) : t("unavailable"),
        );
      }
      return h(
        "li",
        { class: "lw-reward" + (reward.affordable ? "" : " lw-reward--locked") },
        rewardText(reward),
        action,
      );
    }

    function resultFragment(origin) {
      const r = store.result;
      if (!r || r.origin !== origin) return null;
      if (r.error)
        return h(
          "p",
          { class: "lw-error", role: "alert", tabindex: "-1", "data-lw-result-focus": true },
          r.error,
        );
      const copy = h(
        "button",
        {
          type: "button",
          class: "lw-button lw-button--small",
          "data-lw-result-focus": true,
          "data-lw-key": "copy",
          "aria-label": t("copy_label", { code: r.code }),
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(r.code);
            } catch {
              const range = d.createRange();
              range.selectNodeContents(codeEl);
              getSelection().removeAllRanges();
              getSelection().addRange(range);
              d.execCommand("copy");
            }
            copy.textContent = t("copied");
            announce(t("copied"));
          },
        },
        t("copy"),
      );
      const codeEl = h("code", { class: "lw-code__value" }, r.code);
      return h(
        "div",
        { class: "lw-code" },
        h("p", null, t("code_ready", { reward: r.name })),
        h("div", { class: "lw-code__row" }, codeEl, copy),
        r.expiresAt && h("p", { class: "lw-muted" }, t("code_expires", { date: date(r.expiresAt) })),
      );
    }

    function stateFragment() {
      if (store.error) {
        if (store.error.status === 401) return h("p", { class: "lw-muted" }, t("error_login_required"));
        return h(
          "div",
          { class: "lw-error", role: "alert" },
          h("p", null, t("error_loading")),
          h(
            "button",
            { type: "button", class: "lw-button lw-button--small", "data-lw-key": "retry", onclick: load },
            t("retry"),
          ),
        );
      }
      if (!store.status) return h("p", { class: "lw-muted" }, t("loading"));
      if (!store.status.member) return h("p", { class: "lw-muted" }, t("not_member"));
      return null;
    }

    function rewardsList(origin, max) {
      const rewards = store.status.rewards.slice(0, max);
      return rewards.length
        ? list(
            "lw-rewards",
            rewards.map((r) => rewardItem(r, origin)),
          )
        : h("p", { class: "lw-muted" }, t("rewards_empty"));
    }

    // ---- the inbox: campaigns' messages to this member (GET/POST /inbox), read on page load
    // for the launcher's badge; a message opens as a disclosure and is marked read then ----
    const inbox = { data: null, open: {} };
    const setInbox = (p) =>
      p
        .then(
          (b) => (inbox.data = b),
          () => {},
        )
        .finally(render);
    const loadInbox = () => setInbox(api("/inbox"));
    const markRead = (read) =>
      setInbox(
        api("/inbox", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ read }),
        }),
      );
    // Links come from the merchant's campaign; only https and store paths are ever followed.
    const safeUrl = (u) => /^(https:\/\/|\/(?![/\\]))/.test(u);

    function openMessage(m) {
      inbox.open[m.id] = !inbox.open[m.id];
      if (inbox.open[m.id] && !m.read) {
        m.read = true;
        inbox.data.unread = Math.max(0, inbox.data.unread - 1);
        markRead(m.id);
      }
      render();
    }

    function messageItem(m) {
      const open = !!inbox.open[m.id];
      const id = "lw-msg-" + m.id;
      return h(
        "li",
        { class: "lw-msg" + (m.read ? "" : " lw-msg--new") },
        h(
          "button",
          {
            type: "button",
            class: "lw-msg__toggle",
            "aria-expanded": String(open),
            "aria-controls": id,
            "data-lw-key": "msg-" + m.id,
            onclick: () => openMessage(m),
          },
          h("span", { class: "lw-msg__title" }, m.title),
          !m.read && h("span", { class: "lw-msg__new" }, t("inbox_new")),
          h("time", { class: "lw-muted", datetime: m.createdAt }, date(m.createdAt)),
        ),
        h(
          "div",
          { class: "lw-msg__body", id, hidden: !open },
          h("p", null, m.body),
          m.cta &&
            safeUrl(m.cta.url) &&
            h("a", { class: "lw-button lw-button--small", href: m.cta.url }, m.cta.label),
        ),
      );
    }

    function inboxFragment() {
      const box = inbox.data;
      if (!box || !box.messages.length) return null;
      return h(
        "section",
        { class: "lw-inbox", "aria-labelledby": "lw-inbox-h" },
        h(
          "div",
          { class: "lw-inbox__head" },
          h(
            "h3",
            { class: "lw-heading", id: "lw-inbox-h", tabindex: "-1", "data-lw-key": "inbox" },
            t("inbox_heading"),
            box.unread > 0 &&
              h("span", { class: "lw-muted" }, " (" + count("inbox_unread", box.unread) + ")"),
          ),
          box.unread > 0 &&
            h(
              "button",
              {
                type: "button",
                class: "lw-link",
                onclick: () => {
                  box.messages.forEach((m) => (m.read = true));
                  box.unread = 0;
                  markRead("all");
                  render();
                  d.getElementById("lw-inbox-h").focus();
                  announce(t("inbox_all_read"));
                },
              },
              t("inbox_mark_all"),
            ),
        ),
        list("lw-inbox__list", box.messages.map(messageItem)),
      );
    }

    // ---- the birthday: month and day (no year) for the birthday bonus and email, POST
    // /birthday; offered while status.birthday is null, and changeable afterwards ----
    const bday = { editing: false, month: "", day: "", busy: false, error: null };
    const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // Year 2000 has 29 February; UTC keeps the day whatever the shopper's zone.
    const monthDay = (m, day, opts) =>
      new Intl.DateTimeFormat(lang, { timeZone: "UTC", ...opts }).format(Date.UTC(2000, m - 1, day));
    const birthdayText = (b) => monthDay(b.month, b.day, { month: "long", day: "numeric" });
    const focusKey = (key) => {
      const el = d.querySelector(`[data-lw-key="${key}"]`);
      if (el) el.focus();
    };
    const editBirthday = (on) => {
      const b = store.status.birthday;
      Object.assign(bday, { editing: on, error: null, month: b ? b.month : "", day: b ? b.day : "" });
      render();
      focusKey(on ? "bday-month" : "bday-open");
    };

    // A choice clears the last error in place, without rebuilding the selects.
    const edited = () => {
      if (!bday.error) return;
      bday.error = null;
      d.getElementById("lw-bday-error").remove();
      d.querySelectorAll(".lw-field select").forEach((el) => {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      });
    };

    async function saveBirthday(e) {
      e.preventDefault();
      if (bday.busy) return;
      const month = Number(bday.month);
      const day = Number(bday.day);
      bday.error = month && day ? null : t("birthday_missing");
      if (!bday.error) {
        bday.busy = true;
        render();
        try {
          const body = await api("/birthday", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ month, day }),
          });
          if (!body || !body.birthday) throw {}; // not the contract's answer (the admin's preview)
          store.status.birthday = body.birthday;
          bday.editing = false;
        } catch (error) {
          const code = error && error.code;
          bday.error = code && T["error_" + code] ? t("error_" + code) : t("error_generic");
        }
        bday.busy = false;
      }
      render();
      if (bday.error) announce(bday.error);
      else {
        focusKey("bday-open");
        announce(t("birthday_saved", { date: birthdayText(store.status.birthday) }));
      }
    }

    function select(key, label, value, options, onchange) {
      return h(
        "div",
        { class: "lw-field" },
        h("label", { for: "lw-" + key }, label),
        h(
          "select",
          {
            id: "lw-" + key,
            "data-lw-key": key,
            "aria-invalid": bday.error && !value ? "true" : null,
            "aria-describedby": bday.error ? "lw-bday-error" : null,
            onchange,
          },
          h("option", { value: "" }, t("birthday_choose")),
          options.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value) }, text)),
        ),
      );
    }

    function birthdayFragment(s) {
      if (!("birthday" in s)) return null; // an app that does not answer it yet
      const b = s.birthday;
      const head = h("h3", { class: "lw-heading", id: "lw-bday-h" }, t("birthday_heading"));
      if (!bday.editing)
        return h(
          "section",
          { class: "lw-bday", "aria-labelledby": "lw-bday-h" },
          head,
          h(
            "div",
            { class: "lw-bday__row" },
            b && h("p", null, birthdayText(b)),
            h(
              "button",
              {
                type: "button",
                class: b ? "lw-link" : "lw-button lw-button--small",
                "data-lw-key": "bday-open",
                "aria-label": b ? t("birthday_change_label", { date: birthdayText(b) }) : null,
                onclick: () => editBirthday(true),
              },
              b ? t("birthday_change") : t("birthday_add"),
            ),
          ),
        );
      const max = bday.month ? DAYS[bday.month - 1] : 31;
      const days = [];
      for (let i = 1; i <= max; i++) days.push([i, nf.format(i)]);
      const months = DAYS.map((_, i) => [i + 1, monthDay(i + 1, 1, { month: "long" })]);
      return h(
        "section",
        { class: "lw-bday", "aria-labelledby": "lw-bday-h" },
        head,
        h(
          "form",
          {
            class: "lw-bday__form",
            novalidate: true,
            "aria-labelledby": "lw-bday-h",
            onsubmit: saveBirthday,
          },
          // The notice rule only matters where the program pays a birthday bonus.
          s.earn && s.earn.birthday > 0 && h("p", { class: "lw-muted" }, t("birthday_note")),
          h(
            "div",
            { class: "lw-bday__row" },
            select("bday-month", t("birthday_month"), bday.month, months, (e) => {
              bday.month = Number(e.target.value) || "";
              // The day list follows the month in place (a rebuilt select would lose the
              // shopper's typeahead); a day the month lacks (31 April) is dropped.
              const sel = d.getElementById("lw-bday-day");
              const n = bday.month ? DAYS[bday.month - 1] : 31;
              while (sel.options.length - 1 > n) sel.lastChild.remove();
              for (let i = sel.options.length; i <= n; i++)
                sel.append(h("option", { value: i }, nf.format(i)));
              bday.day = Number(sel.value) || "";
              edited();
            }),
            select("bday-day", t("birthday_day"), bday.day, days, (e) => {
              bday.day = Number(e.target.value) || "";
              edited();
            }),
          ),
          bday.error && h("p", { class: "lw-error", id: "lw-bday-error" }, bday.error),
          h(
            "div",
            { class: "lw-bday__row" },
            h(
              "button",
              {
                type: "submit",
                class: "lw-button lw-button--small",
                "data-lw-key": "bday-save",
                "aria-busy": bday.busy ? "true" : null,
                "aria-disabled": bday.busy ? "true" : null,
              },
              bday.busy ? t("birthday_saving") : t("birthday_save"),
            ),
            h(
              "button",
              {
                type: "button",
                class: "lw-link",
                "data-lw-key": "bday-cancel",
                onclick: () => editBirthday(false),
              },
              t("birthday_cancel"),
            ),
          ),
        ),
      );
    }

    // ---- views ----
    function mountPanel(rootEl) {
      const launcher = rootEl.querySelector("[data-lw-launcher]");
      const panel = rootEl.querySelector("[data-lw-panel]");
      const backdrop = rootEl.querySelector("[data-lw-backdrop]");
      const body = rootEl.querySelector("[data-lw-member]");
      const title = panel.querySelector("[data-lw-title]");

      const focusables = () =>
        [...panel.querySelectorAll('a[href],button,input,select,[tabindex]:not([tabindex="-1"])')].filter(
          (n) => !n.closest("[hidden]") && n.getClientRects().length,
        );
      const open = () => {
        panel.hidden = backdrop.hidden = false;
        launcher.setAttribute("aria-expanded", "true");
        title.focus();
        if (body) load();
        else loadProgram();
      };
      const close = () => {
        panel.hidden = backdrop.hidden = true;
        launcher.setAttribute("aria-expanded", "false");
        launcher.focus();
      };
      launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
      backdrop.addEventListener("click", close);
      rootEl.querySelectorAll("[data-lw-close]").forEach((b) => b.addEventListener("click", close));
      panel.addEventListener("keydown", (e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          close();
        } else if (e.key === "Tab") {
          const items = focusables();
          if (!items.length) return;
          const first = items[0];
          const last = items[items.length - 1];
          if (e.shiftKey && (d.activeElement === first || d.activeElement === title)) {
            e.preventDefault();
            last.focus();
          } else if (!e.shiftKey && d.activeElement === last) {
            e.preventDefault();
            first.focus();
          }
        }
      });
      if (!body) return mountGuest(rootEl);
      const name = body.getAttribute("data-lw-name");
      // The launcher's badge: how many messages wait, read out as part of its name.
      const badge = h("span", { class: "lw-badge", hidden: true });
      launcher.append(badge);
      views.add(() => {
        const n = inbox.data ? inbox.data.unread : 0;
        badge.hidden = !n;
        badge.replaceChildren(
          h("span", { "aria-hidden": "true" }, nf.format(n)),
          h("span", { class: "lw-sr-only" }, ", " + count("inbox_unread", n)),
        );
      });

      views.add(() => {
        if (panel.hidden && !store.status) return;
        const s = store.status;
        body.setAttribute("aria-busy", store.loading && !s && !store.error ? "true" : "false");
        const state = stateFragment();
        body.replaceChildren(
          state ||
            h(
              "div",
              null,
              h(
                "p",
                { class: "lw-greeting" },
                s.copy && s.copy.memberGreeting
                  ? fill(s.copy.memberGreeting, { name: name || "" })
                  : name
                    ? t("greeting", { name })
                    : t("greeting_anon"),
              ),
              inboxFragment(),
              h(
                "p",
                { class: "lw-balance" },
                h("span", { class: "lw-balance__value" }, nf.format(s.balance.available)),
                " ",
                h("span", { class: "lw-balance__label" }, t("points_label")),
              ),
              s.balance.pending > 0 &&
                h("p", { class: "lw-muted" }, t("pending", { points: points(s.balance.pending) })),
              nextRewardFragment(s),
              tierFragment(s),
              resultFragment("panel"),
              heading("rewards_heading"),
              rewardsList("panel", 50),
              s.earn && earnList(s.earn, s.currency),
              birthdayFragment(s),
              heading("activity_heading"),
              s.activity.length
                ? list(
                    "lw-activity",
                    s.activity.map((a) =>
                      h(
                        "li",
                        null,
                        h("span", null, t("kind_" + a.kind), a.orderName ? " " + a.orderName : ""),
                        h(
                          "span",
                          { class: a.points < 0 ? "lw-neg" : "lw-pos" },
                          (a.points > 0 ? "+" : "") + nf.format(a.points),
                        ),
                        h("time", { class: "lw-muted", datetime: a.occurredAt }, date(a.occurredAt)),
                      ),
                    ),
                  )
                : h("p", { class: "lw-muted" }, t("activity_empty")),
            ),
        );
      });
    }

    function mountGuest(rootEl) {
      const slot = rootEl.querySelector("[data-lw-program]");
      const pitch = rootEl.querySelector("[data-lw-pitch]");
      const cta = rootEl.querySelector("[data-lw-cta]");
      if (!slot) return;
      views.add(() => {
        const p = guest.program;
        slot.setAttribute("aria-busy", guest.loading ? "true" : "false");
        if (!p)
          return slot.replaceChildren(
            guest.loading ? h("p", { class: "lw-muted" }, t("loading_program")) : "",
          );
        // The program's own words, when the merchant (or an experiment's variant) wrote them.
        // Every part is optional: the theme extension and the app deploy separately.
        const copy = p.copy || {};
        if (copy.guestPitch) pitch.textContent = copy.guestPitch;
        if (copy.callToAction) cta.textContent = copy.callToAction;
        slot.replaceChildren(
          h(
            "div",
            null,
            p.earn && earnList(p.earn, p.currency),
            p.rewards &&
              p.rewards.length && [
                heading("rewards_heading"),
                list(
                  "lw-rewards",
                  p.rewards.map((r) => h("li", { class: "lw-reward" }, rewardText(r))),
                ),
              ],
            p.tiers && tierList(p.tiers, p.currency),
          ),
        );
      });
    }

    function mountCard(el) {
      views.add(() => {
        if (!store.status && !store.error) return; // keep the skeleton that reserves the space
        const state = stateFragment();
        const s = store.status;
        const slot = el.querySelector("[data-lw-slot]");
        slot.setAttribute("aria-busy", state && !store.error ? "true" : "false");
        slot.replaceChildren(
          state ||
            h(
              "div",
              null,
              h(
                "p",
                { class: "lw-balance" },
                h("span", { class: "lw-balance__value" }, nf.format(s.balance.available)),
                " ",
                h("span", { class: "lw-balance__label" }, t("points_label")),
              ),
              h(
                "p",
                { class: "lw-muted" },
                s.balance.pending > 0 ? t("pending", { points: points(s.balance.pending) }) : "\u00a0",
              ),
              tierFragment(s),
            ),
        );
      });
    }

    function mountRewards(el) {
      const max = Number(el.getAttribute("data-lw-max")) || 5;
      const origin = el.getAttribute("data-lw-view") || "rewards";
      views.add(() => {
        if (!store.status && !store.error) return;
        const slot = el.querySelector("[data-lw-slot]");
        const state = stateFragment();
        slot.setAttribute("aria-busy", state && !store.error ? "true" : "false");
        slot.replaceChildren(state || h("div", null, resultFragment(origin), rewardsList(origin, max)));
      });
    }

    d.querySelectorAll("[data-lw-embed]").forEach(mountPanel);
    const cards = d.querySelectorAll("[data-lw-card]");
    const lists = d.querySelectorAll("[data-lw-rewards]");
    cards.forEach(mountCard);
    lists.forEach(mountRewards);
    // Blocks show member data on page load; the panel alone waits until it is opened.
    if (cards.length || lists.length) load();
    // After the status request: the badge matters less than the points on the page.
    if (d.querySelector("[data-lw-embed] [data-lw-member]")) loadInbox();

    window.LoyaltyWidget = { refresh: () => ((store.loading = null), load()) };
  }
})();
