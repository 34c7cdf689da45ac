import { readFileSync } from "node:fs";
import path from "node:path";
import type { Program } from "~/loyalty/program";
import { memberStatus } from "~/storefront/member-status";
import { programSummary } from "~/storefront/program-summary";
import type { WidgetAppearance } from "~/storefront/widget-appearance";
import { EXTENSION_DIR, renderBlock } from "~/storefront/widget-liquid.server";

// The live preview on /app/widget: the theme app extension's own Liquid, rendered with the
// merchant's draft appearance, and its own script and stylesheet, in a sandboxed document.
// The script's calls to the app proxy are answered in the page with what the proxy would
// answer for this program: the guest's join offer, or an example member's status built by
// the same presenter (`memberStatus`) from the live program. Nothing is fetched.

export type PreviewView = "guest" | "member";

const asset = (file: string) => readFileSync(path.join(EXTENSION_DIR, "assets", file), "utf8");

/** Inline JSON inside <script>: no "</script>" or "<!--" can end the element early. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/** A believable member of this program: part-way to the second reward and the next tier. */
export function exampleStatus(program: Program, now: Date) {
  const costs = program.rewards.filter((r) => r.active).map((r) => r.pointsCost);
  const sorted = [...costs].sort((a, b) => a - b);
  const target = sorted[1] ?? sorted[0] ?? 500;
  const balance = Math.max(0, Math.round(target * 0.64));
  const levels = program.tiers.levels;
  const tier = levels[0] && levels[0].threshold === 0 ? levels[0] : null;
  const next = levels.find((l) => l.threshold > 0);
  const day = 86_400_000;
  return memberStatus({
    currency: program.currency,
    program,
    member: {
      status: "active",
      availablePoints: balance,
      pendingPoints: 120,
      tierId: tier?.id ?? null,
      tierValue: next ? Math.round(next.threshold * 0.55) : 0,
      birthdayMonth: null,
      birthdayDay: null,
    },
    activity: [
      {
        key: "e1",
        kind: "earn",
        points: 120,
        bucket: "pending",
        occurredAt: new Date(now.getTime() - 2 * day),
        orderName: "#1042",
      },
      {
        key: "e2",
        kind: "earn",
        points: 86,
        bucket: "available",
        occurredAt: new Date(now.getTime() - 34 * day),
        orderName: "#1017",
      },
      {
        key: "e3",
        kind: "bonus",
        points: program.earning.bonuses.signup || 50,
        bucket: "available",
        occurredAt: new Date(now.getTime() - 60 * day),
        orderName: null,
      },
    ],
    redemptionsByReward: new Map(),
    now,
  });
}

function proxyAnswer(view: PreviewView, program: Program, now: Date) {
  if (view === "member") return { status: 200, body: exampleStatus(program, now) };
  const join = {
    currency: program.currency,
    enrollment: program.membership.enrollment,
    pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
    signupBonus: program.earning.bonuses.signup,
    ...programSummary(program, now),
  };
  return {
    status: 401,
    body: { error: { code: "login_required", message: "Log in to see your points.", join } },
  };
}

/** The preview document for one view of the widget under `appearance`. */
export async function previewDocument(
  appearance: WidgetAppearance,
  program: Program,
  view: PreviewView,
  now: Date,
): Promise<string> {
  const launcher = await renderBlock("loyalty-launcher", {
    customer: view === "member" ? { id: 1, first_name: "Mia" } : null,
    appearance,
    blockId: "preview",
  });
  const answer = proxyAnswer(view, program, now);
  // The preview must not take focus from the form the merchant is typing in. The member's
  // inbox is empty here (the status answer is no inbox: the panel would not render).
  const stub = `HTMLElement.prototype.focus = function () {};
window.fetch = async (url) => /\\/inbox$/.test(url) ? new Response('{"unread":0,"messages":[]}', { headers: { "Content-Type": "application/json" } }) : new Response(${inlineJson(JSON.stringify(answer.body))}, { status: ${answer.status}, headers: { "Content-Type": "application/json" } });
document.addEventListener("DOMContentLoaded", () => setTimeout(() => document.querySelector("[data-lw-launcher]").click(), 0));`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>${asset("loyalty-widget.css")}</style>
<style>body{margin:0;min-height:100vh;font:15px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f4f5}
.store{padding:1rem 1.25rem;border-bottom:1px solid #ddd;background:#fff;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:.75rem;padding:1.25rem}.grid div{height:6rem;border-radius:8px;background:#e4e4e7}</style>
<script>${stub}</script>
<script async>${asset("loyalty-widget.js")}</script>
</head><body><div class="store">Your store</div><div class="grid"><div></div><div></div><div></div></div>
${launcher.html}
</body></html>`;
}
