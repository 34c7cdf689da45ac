// Which opens and clicks a person made. Machines read mail too: Apple Mail Privacy
// Protection fetches every image of every message through Apple's proxies (a bare
// "Mozilla/5.0" user agent from 17.0.0.0/8), often seconds after delivery; security
// gateways follow every link of a message within seconds to scan it. Such events are
// recorded flagged with the reason, and engagement counts only the unflagged ones.

export type AgentClass = "apple-proxy" | "google-proxy" | "scanner" | "mobile" | "desktop" | "unknown";

const SCANNER =
  /bot|crawl|spider|scan|preview|barracuda|mimecast|proofpoint|symantec|messagelabs|fortinet|forcepoint|trendmicro|sophos|headless|python|curl|wget|go-http|java\/|okhttp|libwww|axios|node-fetch/i;

/** A rough class of the user agent (the raw string is not stored). */
export function agentClass(userAgent: string | null): AgentClass {
  const ua = (userAgent ?? "").trim();
  if (!ua) return "unknown";
  if (ua === "Mozilla/5.0") return "apple-proxy";
  if (/GoogleImageProxy/i.test(ua)) return "google-proxy";
  if (SCANNER.test(ua)) return "scanner";
  if (/Mobile|iPhone|iPad|Android/i.test(ua)) return "mobile";
  if (/Mozilla\/5\.0 \(/.test(ua)) return "desktop";
  return "unknown";
}

/** Apple's 17.0.0.0/8, from which Mail Privacy Protection's proxies fetch. */
export function isAppleAddress(ip: string | null): boolean {
  const v4 = (ip ?? "").replace(/^::ffff:/, "");
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Opens and clicks this soon after the hand-off are a machine's (no person opens mail that fast). */
export const MACHINE_SECONDS = 10;
/** Clicks on different links of one message closer together than this are a scanner's sweep. */
export const SWEEP_SECONDS = 5;

export type EventFacts = {
  kind: "open" | "click";
  at: Date;
  userAgent: string | null;
  ip: string | null;
  /** When the message was handed to the provider. */
  sentAt: Date | null;
  /** Earlier clicks of the same message: their URL and instant. */
  earlierClicks?: readonly { url: string | null; at: Date }[];
  url?: string | null;
};

export type BotVerdict = { bot: false } | { bot: true; reason: string };

export function classifyEvent(e: EventFacts): BotVerdict {
  const agent = agentClass(e.userAgent);
  if (e.kind === "open" && (agent === "apple-proxy" || isAppleAddress(e.ip)))
    return { bot: true, reason: "Apple Mail Privacy Protection prefetch" };
  if (agent === "scanner") return { bot: true, reason: "Security scanner or crawler user agent" };
  if (e.sentAt && e.at.getTime() - e.sentAt.getTime() < MACHINE_SECONDS * 1000)
    return {
      bot: true,
      reason: `${e.kind === "open" ? "Opened" : "Clicked"} within ${MACHINE_SECONDS} s of delivery`,
    };
  if (e.kind === "click") {
    const sweep = (e.earlierClicks ?? []).some(
      (c) => c.url !== e.url && Math.abs(e.at.getTime() - c.at.getTime()) < SWEEP_SECONDS * 1000,
    );
    if (sweep) return { bot: true, reason: `Several links clicked within ${SWEEP_SECONDS} s (link scanner)` };
  }
  return { bot: false };
}
