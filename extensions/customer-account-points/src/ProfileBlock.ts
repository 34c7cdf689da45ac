import { LOYALTY_QUERY, standingFromQuery, standingText, type LoyaltyQueryData } from "./points";

// customer-account.profile.block.render: a section with the member's points and tier.
// Polaris web components (s-section, s-text, s-progress...) built with the DOM directly,
// so the block ships no framework. Customer Account API requests go through the
// `shopify://customer-account` URL the host resolves for the extension.

interface ExtensionGlobal {
  i18n: {
    translate: (key: string, options?: Record<string, string | number>) => string;
  };
}

declare const shopify: ExtensionGlobal;

const API_URL = "shopify://customer-account/api/2025-10/graphql.json";

// Properties, not attributes: the extension runs in a sandbox whose DOM is mirrored to the
// host (Remote DOM), and a component's camelCase property such as `accessibilityLabel` has
// no attribute that is sure to reach it. Properties reach every Polaris web component.
function el(
  tag: string,
  props: Record<string, string | number> = {},
  ...children: Array<Node | string>
): HTMLElement {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

async function loadStanding() {
  const response = await fetch(API_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: LOYALTY_QUERY }),
  });
  if (!response.ok) throw new Error(`Customer Account API answered ${response.status}`);
  const body = (await response.json()) as { data?: LoyaltyQueryData };
  return standingFromQuery(body.data);
}

export default async function render(): Promise<void> {
  const t = (key: string, vars?: Record<string, string | number>) => shopify.i18n.translate(key, vars);
  const section = el(
    "s-section",
    { heading: t("heading") },
    el("s-spinner", { accessibilityLabel: t("loading") }),
  );
  document.body.append(section);
  let content: HTMLElement;
  try {
    const standing = await loadStanding();
    if (!standing) {
      content = el("s-paragraph", {}, t("notMember"));
    } else {
      const text = standingText(standing, t);
      content = el(
        "s-stack",
        { direction: "block", gap: "small-200" },
        el("s-heading", {}, text.balance),
        el("s-text", {}, text.tier),
        ...(text.percent !== null && text.next
          ? [el("s-progress", { value: text.percent, max: 100, accessibilityLabel: text.next })]
          : []),
        ...(text.next ? [el("s-text", { color: "subdued" }, text.next)] : []),
      );
    }
  } catch {
    content = el("s-banner", { tone: "warning" }, t("error"));
  }
  section.replaceChildren(content);
}
