import { afterEach, describe, expect, it, vi } from "vitest";
import render from "../src/ProfileBlock";

// The block's components as the host receives them. In a customer account extension the
// DOM is mirrored to the host (Remote DOM): a camelCase property such as
// `accessibilityLabel` must be set as a property, as an attribute it may never arrive. A
// stand-in document records what the block sets, and refuses attributes outright.

class RemoteElement {
  children: Array<RemoteElement | string> = [];
  [prop: string]: unknown;
  constructor(readonly tagName: string) {}
  setAttribute(name: string): void {
    throw new Error(`attribute ${name} set on ${this.tagName}: set the property instead`);
  }
  append(...nodes: Array<RemoteElement | string>) {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: Array<RemoteElement | string>) {
    this.children = nodes;
  }
}

function find(node: RemoteElement | string, tag: string): RemoteElement | undefined {
  if (typeof node === "string") return undefined;
  if (node.tagName === tag) return node;
  for (const child of node.children) {
    const hit = find(child, tag);
    if (hit) return hit;
  }
  return undefined;
}

afterEach(() => vi.unstubAllGlobals());

describe("the profile block", () => {
  it("sets the progress bar's value, max and accessibilityLabel as properties", async () => {
    const body = new RemoteElement("body");
    vi.stubGlobal("document", { body, createElement: (tag: string) => new RemoteElement(tag) });
    vi.stubGlobal("shopify", {
      i18n: {
        translate: (key: string, vars?: Record<string, unknown>) =>
          `${key}${vars ? JSON.stringify(vars) : ""}`,
      },
    });
    const data = {
      customer: {
        balance: { value: "420" },
        tier: { value: "silver" },
        progress: { value: JSON.stringify({ tierName: "Silver", nextTierName: "Gold", fraction: 0.4 }) },
      },
    };
    vi.stubGlobal("fetch", async () => Response.json({ data }));
    await render();
    const progress = find(body, "s-progress");
    expect(progress).toBeDefined();
    expect(progress!.value).toBe(40);
    expect(progress!.max).toBe(100);
    expect(progress!.accessibilityLabel).toBe(`tier.progress{"percent":40,"tier":"Gold"}`);
    expect(find(body, "s-section")!.heading).toBe("heading");
  });
});
