import { RESOURCES, type BackfillResource } from "~/backfill/jsonl";

// What the admin card shows for the shop's latest backfill run: plain words for the
// phase, a progress fraction across the whole import and the counts, as JSON-safe values.

export interface BackfillRunFacts {
  id: string;
  status: "queued" | "running" | "completed" | "failed";
  phase: "export" | "load" | "credit" | "done";
  resource: string | null;
  /** Ids between the slices orders are exported in (none: one export), and the slice at hand. */
  orderSlices: readonly bigint[];
  slice: number;
  historyEarnsPoints: boolean;
  objectCount: bigint | null;
  linesLoaded: bigint;
  customersLoaded: number;
  ordersLoaded: number;
  lineItemsLoaded: number;
  productsLoaded: number;
  customersTotal: number | null;
  customersCredited: number;
  membersEnrolled: number;
  entriesWritten: number;
  pointsCredited: bigint;
  /** Past redemptions imported from reward codes, and codes no reward matched (history earns points). */
  redemptionsImported?: number;
  redemptionsUnmatched?: number;
  redemptionCodePrefixes?: readonly string[];
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface BackfillView {
  id: string;
  status: BackfillRunFacts["status"];
  active: boolean;
  statusLabel: string;
  tone: "info" | "success" | "critical" | "attention";
  step: string;
  /** 0–100 across export, load and credit. */
  progress: number;
  historyEarnsPoints: boolean;
  /** What the import did with the past, in the merchant's words: credited with redemptions, or history starts today. */
  historyNote: string;
  counts: { label: string; value: number }[];
  error: string | null;
  finishedAt: string | null;
}

const NOUN: Record<BackfillResource, string> = {
  products: "products",
  customers: "customers",
  orders: "orders",
};
// Share of the whole import each step takes (orders dominate; crediting reads them all again).
const SPAN: Record<BackfillResource, [number, number]> = {
  products: [0, 3],
  customers: [3, 15],
  orders: [15, 70],
};
const CREDIT: [number, number] = [70, 100];

const isResource = (r: string | null): r is BackfillResource => RESOURCES.includes(r as BackfillResource);

export function presentBackfill(run: BackfillRunFacts | null): BackfillView | null {
  if (!run) return null;
  const active = run.status === "queued" || run.status === "running";
  const resource = isResource(run.resource) ? run.resource : null;
  let step: string;
  let progress: number;
  if (run.phase === "done") {
    step = "Import finished";
    progress = 100;
  } else if (run.phase === "credit") {
    const total = run.customersTotal ?? 0;
    const share = total > 0 ? Math.min(1, run.customersCredited / total) : 0;
    step = run.historyEarnsPoints ? "Crediting members for their past orders" : "Enrolling members";
    progress = CREDIT[0] + (CREDIT[1] - CREDIT[0]) * share;
  } else if (resource) {
    // Orders exported in slices: each slice takes its share of the orders' span, and the
    // step names the part.
    const parts = resource === "orders" ? run.orderSlices.length + 1 : 1;
    const part = Math.min(run.slice, parts - 1);
    const [spanFrom, spanTo] = SPAN[resource];
    const from = spanFrom + ((spanTo - spanFrom) * part) / parts;
    const to = spanFrom + ((spanTo - spanFrom) * (part + 1)) / parts;
    const middle = (from + to) / 2;
    const noun = parts > 1 ? `${NOUN[resource]} (part ${part + 1} of ${parts})` : NOUN[resource];
    if (run.phase === "export") {
      step = `Shopify is exporting ${noun}`;
      progress = from;
    } else {
      const objects = Number(run.objectCount ?? 0);
      const share = objects > 0 ? Math.min(1, Number(run.linesLoaded) / objects) : 1;
      step = `Loading ${noun}`;
      progress = middle + (to - middle) * share;
    }
  } else {
    step = "Waiting to start";
    progress = 0;
  }
  const statusLabel = { queued: "Queued", running: "Importing", completed: "Completed", failed: "Failed" }[
    run.status
  ];
  const tone = ({ queued: "info", running: "attention", completed: "success", failed: "critical" } as const)[
    run.status
  ];
  return {
    id: run.id,
    status: run.status,
    active,
    statusLabel,
    tone,
    step: run.status === "failed" ? "Import stopped" : step,
    progress: Math.round(progress),
    historyEarnsPoints: run.historyEarnsPoints,
    historyNote: historyNote(run),
    counts: [
      { label: "Customers", value: run.customersLoaded },
      { label: "Orders", value: run.ordersLoaded },
      { label: "Line items", value: run.lineItemsLoaded },
      { label: "Products", value: run.productsLoaded },
      { label: "Members enrolled", value: run.membersEnrolled },
      { label: "Customers credited", value: run.customersCredited },
      { label: "Points credited", value: Number(run.pointsCredited) },
      ...(run.historyEarnsPoints ? [{ label: "Past redemptions", value: run.redemptionsImported ?? 0 }] : []),
    ],
    error: run.status === "failed" || active ? run.error : null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

const day = (d: Date) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(d);

function historyNote(run: BackfillRunFacts): string {
  if (!run.historyEarnsPoints) {
    const from = run.finishedAt ?? run.createdAt;
    return (
      `History starts ${run.finishedAt ? `on ${day(from)}` : "today"}: members joined at their first order ` +
      "or account creation, but past orders earned no points and past redemptions were not imported. " +
      "Balances, redemptions and the points liability count from then."
    );
  }
  const prefixes = run.redemptionCodePrefixes?.length
    ? ` and codes starting with ${run.redemptionCodePrefixes.join(", ")}`
    : "";
  const unmatched = run.redemptionsUnmatched
    ? ` ${run.redemptionsUnmatched} reward code${run.redemptionsUnmatched === 1 ? "" : "s"} matched no reward of the program by value and ${run.redemptionsUnmatched === 1 ? "was" : "were"} left out.`
    : "";
  return (
    "Past orders earn points under the current program, and past redemptions are debited when their " +
    `order was placed: orders that used the app's reward codes${prefixes}.${unmatched}`
  );
}
