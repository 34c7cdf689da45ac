// Live mode: simulated customers keep shopping after the history, and the app sees it the
// way it sees a real store: records appear in the emulator's store (so the Admin API reads
// agree) and signed webhooks arrive (customers/create, orders/create + orders/paid,
// refunds/create) at a configurable rate. Customers react to what the app actually does for
// them: each simulated day starts from the app's member state (balance, tier, program), the
// scenario's `respond` decides who buys, and a buyer who wants a reward asks the app's proxy
// status route what it can redeem, redeems through the proxy redeem route (signed like
// Shopify) and puts the code the app created on the order. They read the app's messages where
// the app put them: email in the mail catcher and texts at the Twilio stand-in (the day they
// arrive), and the widget inbox, fetched through the proxy like the widget does when a member
// visits the store (the scenario's `channels`).
//
// A simulated day is a round of decisions; its events are played out in real time at
// `ordersPerMinute`, and orders carry the real clock's time (the app lives in real time).
import { randomUUID } from "node:crypto";
import type { Emulator } from "../emulator/server";
import type { CustomerRecord, OrderRecord } from "../emulator/resources/records";
import type { OrderInput } from "../emulator/resources/inputs";
import { customerPayload, orderPayload, refundPayload } from "../emulator/webhook-payloads";
import type { Program } from "../app/loyalty/program";
import { signedProxyQuery } from "../app/storefront/proxy-signature";
import { customerInput, type SimCustomer } from "./customers/customers";
import { minorText } from "./behaviour/history";
import {
  MailReader,
  messageLinks,
  textLink,
  type MessageSource,
  type ReceivedMessage,
} from "./behaviour/mail-reader";
import { Rng } from "./random/rng";
import { customerState } from "./scenario/ground-truth";
import {
  channelEffect,
  readsMessage,
  responder,
  visitProbability,
  type CustomerState,
  type ProgramExposure,
} from "./scenario/respond";
import { responseSchema, type ResponseConfig } from "./scenario/schema";
import { customerBatches, defineShop, type GeneratedShop } from "./shop";

/** What the app holds for one member, as the simulation needs it. */
export interface MemberView {
  active: boolean;
  availablePoints: number;
  tierId: string | null;
  /** Qualifying value toward tiers in the basis unit (minor units for spend tiers). */
  tierValue: number;
}

export interface AppState {
  /**
   * The program the app gives a customer (numeric id, as a string): the live one merged with
   * their experiment variants, as the app's `memberPrograms` resolves it. The simulated
   * customer responds to the program they really get.
   */
  programOf: (customerId: string) => Program;
  /** In the program holdout: the app gives them no program, so they respond as non-members. */
  heldOut?: (customerId: string) => boolean;
  /** By Shopify customer id (numeric, as a string). */
  members: Map<string, MemberView>;
}

export interface LiveOptions {
  emulator: Pick<Emulator, "store" | "sendWebhook">;
  generated: GeneratedShop;
  /** The app's state at the start of each simulated day (DB read in the demo). */
  readAppState: () => Promise<AppState>;
  /** Where the app's proxy routes answer (`${appUrl}/proxy/status`, `/proxy/redeem`) and its secret. */
  appUrl: string;
  apiSecret: string;
  response?: ResponseConfig;
  ordersPerMinute?: number;
  /** New sign-ups per simulated day (default: the shop's average over its history). */
  signupsPerDay?: number;
  seed?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
  /**
   * The app's delivered email (the emulator's mail catcher): each simulated day, customers
   * read what arrived for them, may open it (loading its images: the app's open pixel) and
   * click (following its first link to the app), and an opened message lifts their buying as
   * the scenario's message response says.
   */
  messages?: MessageSource;
  /**
   * The texts the app sent (the emulator's Twilio stand-in, `to` the number, `text` the body):
   * read the day they arrive as the scenario's `channels.sms` says; a click follows the
   * text's link to the app (its click redirect).
   */
  texts?: MessageSource;
  /**
   * Read the widget inbox: a member who visits the store (`channels.inbox`) has the widget
   * fetch their inbox through the app proxy, reads the newest unread message as the scenario
   * says and marks it read there.
   */
  inbox?: boolean;
  /** Which of the scenario's message variants a delivered message is (default: `default`). */
  messageVariantOf?: (message: ReceivedMessage) => string;
}

export interface LiveStats {
  days: number;
  signups: number;
  orders: number;
  redemptions: number;
  codesUsed: number;
  refunds: number;
  webhookFailures: number;
  /** Redemptions the app refused after the customer asked (its answer is in `lastRefusal`). */
  redeemRefusals: number;
  /** Rewards wanted that the app's status did not offer for this cart (balance, minimum, availability). */
  redemptionsNotOffered: number;
  /** Delivered messages read by their customer, opened, and clicked (every channel). */
  messagesReceived: number;
  messagesOpened: number;
  messagesClicked: number;
  /** Of those, texts; and widget inbox fetches on store visits, and inbox messages read. */
  textsReceived: number;
  inboxVisits: number;
  inboxRead: number;
}

interface LiveCustomer {
  sim: SimCustomer;
  state: CustomerState;
  record: CustomerRecord | null;
  /** The program the app gave the customer at the start of the day. */
  program: Program | null;
  /** Codes the app issued to this customer, waiting for an order. */
  codes: Array<{ code: string; rewardId: string }>;
  /** The latest message the app delivered to them, from the day it arrived (or, in the inbox, was read). */
  message: {
    variant: string;
    channel: "email" | "sms" | "inbox";
    day: number;
    opened: boolean | null;
    message: ReceivedMessage;
  } | null;
}

type LiveEvent = () => Promise<void>;

const EXTRA_CUSTOMERS = 2_000;
/** A person's mail client (not a privacy proxy's prefetch): what the app should count as a human open. */
const READER_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

export class LiveSimulation {
  readonly stats: LiveStats = {
    days: 0,
    signups: 0,
    orders: 0,
    redemptions: 0,
    codesUsed: 0,
    refunds: 0,
    webhookFailures: 0,
    redeemRefusals: 0,
    redemptionsNotOffered: 0,
    messagesReceived: 0,
    messagesOpened: 0,
    messagesClicked: 0,
    textsReceived: 0,
    inboxVisits: 0,
    inboxRead: 0,
  };
  private readonly customers: LiveCustomer[] = [];
  private readonly waiting: SimCustomer[] = [];
  private readonly queue: LiveEvent[] = [];
  private readonly respond;
  private readonly rng: Rng;
  private readonly domain: string;
  private readonly currency: string;
  private readonly variants: Array<{
    id: number;
    title: string;
    sku: string;
    productId: number;
    priceMinor: number;
  }>;
  private stopped = false;
  private running: Promise<void> | null = null;
  private refundSeq = 0;
  private signupsPrepared = false;
  private readonly mail: MailReader | null;
  private readonly texts: MailReader | null;
  private readonly response: ResponseConfig;
  /** Why the latest redemption did not happen (proxy answer), for the log. */
  lastRefusal: string | null = null;

  constructor(private readonly options: LiveOptions) {
    const { generated } = options;
    this.domain = generated.shop.domain;
    this.currency = generated.params.currency;
    this.response = options.response ?? responseSchema.parse({});
    this.respond = responder(this.response);
    this.rng = new Rng(options.seed ?? generated.params.seed, 0x11fe);
    generated.customers.forEach((sim, i) => {
      const record = options.emulator.store.findShop(this.domain)?.customers.get(sim.id) ?? null;
      this.customers.push({
        sim,
        state: customerState(sim, generated.histories[i]!),
        record,
        program: null,
        codes: [],
        message: null,
      });
    });
    this.mail = options.messages ? new MailReader(options.messages) : null;
    this.texts = options.texts ? new MailReader(options.texts) : null;
    this.variants = generated.catalog.products.flatMap((p) =>
      p.variants.map((v) => ({
        id: v.id,
        title: p.title,
        sku: v.sku,
        productId: p.id,
        priceMinor: v.priceMinor,
      })),
    );
    this.variants.sort((a, b) => a.priceMinor - b.priceMinor);
  }

  /** Starts the loop; `stop()` ends it after the event in flight. */
  start(): void {
    if (this.running) return;
    this.running = this.loop().catch((error: unknown) => {
      this.log(`live simulation stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /**
   * Runs one simulated day: decisions from the app's state, then every event at the set
   * rate. Events keep to a clock (the next is due one gap after the last was due), so the
   * time an event and the day's reading take is not added to the gaps: at 600 a minute the
   * app sees 600 a minute. Behind by more than a second, the clock restarts from now rather
   * than sending the missed events in a burst.
   */
  async runDay(): Promise<number> {
    this.prepareSignups();
    const state = await this.options.readAppState();
    this.planDay(state);
    const gapMs = 60_000 / (this.options.ordersPerMinute ?? 60);
    let events = 0;
    while (this.queue.length > 0 && !this.stopped) {
      const event = this.queue.shift()!;
      events += 1;
      const now = performance.now();
      this.dueAt = this.dueAt === null || now - this.dueAt > 1_000 ? now : this.dueAt;
      await event();
      this.dueAt += gapMs;
      const wait = this.dueAt - performance.now();
      if (wait > 0) await sleep(wait);
    }
    this.stats.days += 1;
    return events;
  }

  /** When the next event is due (performance.now()), once the first has run. */
  private dueAt: number | null = null;

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const events = await this.runDay();
      const s = this.stats;
      this.log(
        `day ${s.days}: ${s.orders} orders, ${s.signups} sign-ups, ${s.redemptions} rewards redeemed ` +
          `(${s.codesUsed} codes used, ${s.redeemRefusals} refused), ${s.refunds} refunds so far` +
          (this.mail || this.texts
            ? `, ${s.messagesReceived} messages received (${s.textsReceived} texts; ${s.messagesOpened} opened, ${s.messagesClicked} clicked)`
            : "") +
          (this.options.inbox ? `, ${s.inboxRead} inbox messages read in ${s.inboxVisits} visits` : "") +
          (this.lastRefusal ? `; last refusal: ${this.lastRefusal}` : ""),
      );
      // A day when nobody did anything: pause rather than spin through empty days.
      if (events === 0) await sleep(1_000);
    }
  }

  private log(line: string) {
    this.options.log?.(line);
  }

  /** Customers who join during the live run: the same generator's next customers. */
  private prepareSignups() {
    if (this.signupsPrepared) return;
    this.signupsPrepared = true;
    const { params } = this.options.generated;
    const definition = defineShop({ ...params, customers: params.customers + EXTRA_CUSTOMERS });
    let index = 0;
    for (const batch of customerBatches(definition, 500)) {
      for (const c of batch.customers) if (index++ >= params.customers) this.waiting.push(c);
    }
  }

  private planDay(app: AppState) {
    const signups =
      this.options.signupsPerDay ??
      Math.max(
        1,
        Math.round(
          this.options.generated.params.customers / (this.options.generated.params.historyMonths * 30.4),
        ),
      );
    for (let i = 0; i < signups && this.waiting.length > 0; i++) {
      const sim = this.waiting.shift()!;
      const live: LiveCustomer = {
        sim,
        state: customerState(sim, emptyHistory()),
        record: null,
        program: null,
        codes: [],
        message: null,
      };
      live.state.alive = sim.latent.buyer;
      this.customers.push(live);
      this.queue.push(() => this.signUp(live, sim.latent.buyer ? 5_000 + this.rng.int(6_000) : 0));
    }
    this.readMail();
    for (const customer of this.customers) {
      if (!customer.state.alive || !customer.record) continue;
      const program = app.programOf(String(customer.sim.id));
      customer.program = program;
      const { rewards, levels } = offerOf(program);
      const member = app.members.get(String(customer.sim.id));
      const active = (member?.active ?? false) && !app.heldOut?.(String(customer.sim.id));
      const tier = levels.find((l) => l.id === member?.tierId) ?? null;
      const next = levels.find((l) => l.threshold > (member?.tierValue ?? 0)) ?? null;
      customer.state.pointsBalance = member?.availablePoints ?? 0;
      customer.state.tierProgressMinor = member?.tierValue ?? 0;
      const exposure: ProgramExposure = {
        member: active,
        pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
        tierMultiplier: tier?.benefits.earnMultiplier ?? 1,
        rewards: active ? rewards : [],
        nextTierThresholdMinor: next?.threshold ?? null,
        message: customer.message && {
          variant: customer.message.variant,
          channel: customer.message.channel,
          daysSinceSent: this.stats.days - customer.message.day,
          opened: customer.message.opened,
        },
        seasonality: 1,
      };
      if (this.options.inbox && active) this.maybeVisit(customer);
      const r = this.respond(customer.state, exposure, this.rng);
      if (r.openedMessage !== null && customer.message) this.react(customer.message, r);
      if (r.droppedOut) customer.state.alive = false;
      if (!r.purchased) continue;
      const value = r.orderValueMinor;
      const rewardId = r.redeemedRewardId;
      this.queue.push(async () => {
        if (rewardId) await this.redeem(customer, rewardId, value);
        await this.placeOrder(customer, value);
      });
    }
    // Interleave customers over the day rather than in index order.
    for (let i = this.queue.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [this.queue[i], this.queue[j]] = [this.queue[j]!, this.queue[i]!];
    }
  }

  /** Hands each message delivered since yesterday to its customer (the latest one counts). */
  private readMail() {
    if (!this.mail && !this.texts) return;
    const byAddress = new Map<string, LiveCustomer>();
    for (const c of this.customers) {
      if (c.record?.email) byAddress.set(c.record.email.toLowerCase(), c);
      if (c.record?.phone) byAddress.set(c.record.phone.replace(/[\s().-]/g, ""), c);
    }
    const fresh = [
      ...(this.mail?.next() ?? []),
      ...(this.texts?.next() ?? []).map((m) => ({ ...m, channel: "sms" as const })),
    ];
    for (const message of fresh) {
      const customer = message.to.map((a) => byAddress.get(a.toLowerCase())).find(Boolean);
      if (!customer) continue;
      this.stats.messagesReceived += 1;
      if (message.channel === "sms") this.stats.textsReceived += 1;
      const variant = this.options.messageVariantOf?.(message) ?? "default";
      const channel = message.channel ?? "email";
      customer.message = { variant, channel, day: this.stats.days, opened: null, message };
    }
  }

  /**
   * A member who visits the store today has the widget fetch their inbox (through the proxy);
   * they read the newest unread message as the scenario says and mark it read there. A read
   * message lifts their buying from the next day, as an opened email does.
   */
  private maybeVisit(customer: LiveCustomer) {
    const inbox = channelEffect(this.response, "inbox");
    if (!this.rng.chance(visitProbability(inbox, customer.state, 1))) return;
    const decide = this.rng.float();
    const day = this.stats.days;
    this.queue.push(async () => {
      this.stats.inboxVisits += 1;
      const answer = await this.proxy("GET", "inbox", customer);
      if (!answer.ok) return void (await answer.body?.cancel());
      const body = (await answer.json()) as {
        messages?: Array<{
          id: string;
          title: string;
          body: string;
          read: boolean;
          cta: { url: string } | null;
        }>;
      };
      const unread = body.messages?.find((m) => !m.read);
      if (!unread) return;
      const message: ReceivedMessage = {
        id: 0,
        to: [],
        subject: unread.title,
        html: null,
        channel: "inbox",
        text: unread.body,
      };
      const variant = this.options.messageVariantOf?.(message) ?? "default";
      const read = readsMessage(
        this.response,
        customer.state,
        { variant, channel: "inbox" },
        new Rng(Math.floor(decide * 2 ** 31)),
      );
      if (!read.opened) return;
      const marked = await this.proxy("POST", "inbox", customer, { read: unread.id });
      await marked.body?.cancel();
      if (!marked.ok) return;
      this.stats.inboxRead += 1;
      this.stats.messagesOpened += 1;
      customer.message = { variant, channel: "inbox", day, opened: true, message };
    });
  }

  /** An opened message loads its images (the app's pixel); a click follows its link to the app. */
  private react(
    delivered: NonNullable<LiveCustomer["message"]>,
    r: { openedMessage: boolean | null; clickedMessage: boolean | null },
  ) {
    delivered.opened = r.openedMessage;
    if (!r.openedMessage) return;
    this.stats.messagesOpened += 1;
    const origin = new URL(this.options.appUrl).origin;
    const links =
      delivered.channel === "sms"
        ? { images: [], click: textLink(delivered.message.text, origin) }
        : messageLinks(delivered.message.html, origin);
    const doFetch = this.options.fetch ?? fetch;
    const visit = (url: string) =>
      doFetch(url, { redirect: "manual", headers: { "User-Agent": READER_UA } })
        .then((res) => res.body?.cancel())
        .catch(() => undefined);
    this.queue.push(async () => {
      for (const url of links.images) await visit(url);
    });
    if (r.clickedMessage && links.click) {
      this.stats.messagesClicked += 1;
      const click = links.click;
      this.queue.push(() => visit(click));
    }
  }

  private async signUp(customer: LiveCustomer, firstOrderMinor: number) {
    const now = new Date().toISOString();
    const input = { ...customerInput(customer.sim, now), createdAt: now, updatedAt: now };
    const [record] = this.options.emulator.store.addCustomers(this.domain, [input]);
    customer.record = record!;
    this.stats.signups += 1;
    await this.deliver("customers/create", customerPayload(record!, this.currency));
    if (firstOrderMinor > 0) await this.placeOrder(customer, firstOrderMinor);
  }

  /** Asks the app what the customer can redeem (proxy status), then redeems (proxy redeem). */
  private async redeem(customer: LiveCustomer, wanted: string, orderValueMinor: number) {
    const status = await this.proxy("GET", "status", customer);
    if (!status.ok) return this.refused(`status ${status.status} ${await status.text()}`);
    const body = (await status.json()) as {
      member?: boolean;
      rewards?: Array<{
        id: string;
        affordable: boolean;
        available: boolean;
        minimumSubtotal: { amountMinor: number } | null;
      }>;
    };
    // What the widget offers for this cart: the wanted reward if it fits, else the most
    // valuable one that does (a reward's minimum subtotal is only known from the app).
    const fits = (body.member ? (body.rewards ?? []) : []).filter(
      (r) => r.affordable && r.available && (r.minimumSubtotal?.amountMinor ?? 0) <= orderValueMinor,
    );
    const value = (id: string) => {
      const reward = customer.program?.rewards.find((r) => r.id === id);
      return reward ? rewardValueMinor(reward.value) : 0;
    };
    const choice =
      fits.find((r) => r.id === wanted) ??
      fits.filter((r) => value(r.id) < orderValueMinor).sort((a, b) => value(b.id) - value(a.id))[0];
    if (!choice) {
      this.stats.redemptionsNotOffered += 1;
      return;
    }
    const rewardId = choice.id;
    const clientKey = randomUUID();
    const response = await this.proxy("POST", "redeem", customer, {
      rewardId,
      clientKey,
      cartSubtotalMinor: orderValueMinor,
    });
    if (response.status !== 201 && response.status !== 200)
      return this.refused(`redeem ${response.status} ${(await response.text()).slice(0, 300)}`);
    const result = (await response.json()) as { redemption: { code: string | null } };
    if (result.redemption.code) customer.codes.push({ code: result.redemption.code, rewardId });
    this.stats.redemptions += 1;
  }

  private refused(reason: string) {
    this.stats.redeemRefusals += 1;
    this.lastRefusal = reason;
  }

  private proxy(
    method: "GET" | "POST",
    path: "status" | "redeem" | "inbox",
    customer: LiveCustomer,
    body?: unknown,
  ) {
    const query = signedProxyQuery({
      shop: this.domain,
      customerId: String(customer.sim.id),
      secret: this.options.apiSecret,
    });
    const url = `${this.options.appUrl.replace(/\/$/, "")}/proxy/${path}?${query}`;
    return (this.options.fetch ?? fetch)(url, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  private async placeOrder(customer: LiveCustomer, valueMinor: number) {
    const lines = this.basket(valueMinor);
    const subtotal = lines.reduce((s, l) => s + l.priceMinor * l.quantity, 0);
    const domestic = customer.sim.profile.domestic;
    let shipping = subtotal >= 7_500 ? 0 : domestic ? 695 : 1_495;
    const code = customer.codes.shift() ?? null;
    let discount = 0;
    if (code) {
      const reward = customer.program?.rewards.find((r) => r.id === code.rewardId);
      if (reward?.value.kind === "fixedAmount")
        discount = Math.min(subtotal, reward.value.amount.amountMinor);
      else if (reward?.value.kind === "percentage")
        discount = Math.round((subtotal * reward.value.percent) / 100);
      else if (reward?.value.kind === "freeShipping") shipping = 0;
    }
    const tax = Math.round((subtotal - discount) * customer.sim.profile.taxRate);
    const input: OrderInput = {
      customerId: customer.sim.id,
      email: customer.sim.email,
      financialStatus: "PAID",
      fulfillmentStatus: "UNFULFILLED",
      currencyCode: this.currency,
      discountCodes: code ? [{ code: code.code, amount: minorText(discount) }] : [],
      lineItems: lines.map((l) => ({
        title: l.title,
        quantity: l.quantity,
        unitPrice: minorText(l.priceMinor),
        sku: l.sku,
        productId: l.productId,
        variantId: l.id,
      })),
      shippingPrice: minorText(shipping),
      taxPrice: minorText(tax),
      sourceName: "web",
    };
    const [order] = this.options.emulator.store.addOrders(this.domain, [input]);
    this.stats.orders += 1;
    if (code) this.stats.codesUsed += 1;
    const payload = orderPayload(order!, { customer: customer.record });
    await this.deliver("orders/create", payload);
    await this.deliver("orders/paid", payload);
    if (this.rng.chance(this.options.generated.params.refundRate)) this.queueRefund(order!);
  }

  /** A return a few orders later: one line back, as the history's partial refunds. */
  private queueRefund(order: OrderRecord) {
    const line = order.lineItems[this.rng.int(order.lineItems.length)]!;
    this.queue.push(async () => {
      this.refundSeq += 1;
      const payload = refundPayload(order, {
        id: 1_090_000_000_000 + this.refundSeq,
        createdAt: new Date(),
        note: "Return",
        lines: [{ lineItemId: line.legacyId, quantity: line.quantity }],
      });
      this.stats.refunds += 1;
      await this.deliver("refunds/create", payload);
    });
  }

  private basket(valueMinor: number) {
    const lines: Array<(typeof this.variants)[number] & { quantity: number }> = [];
    let remaining = Math.max(valueMinor, this.variants[0]!.priceMinor);
    while (remaining > 0 && lines.length < 4) {
      const pick = this.nearest(lines.length === 0 ? remaining : remaining * (0.5 + this.rng.float() * 0.5));
      if (lines.length > 0 && pick.priceMinor > remaining * 1.3) break;
      const quantity = Math.max(1, Math.min(3, Math.floor(remaining / pick.priceMinor)));
      lines.push({ ...pick, quantity });
      remaining -= pick.priceMinor * quantity;
    }
    return lines;
  }

  private nearest(target: number) {
    let lo = 0;
    let hi = this.variants.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.variants[mid]!.priceMinor < target) lo = mid + 1;
      else hi = mid;
    }
    // A few neighbours either side, so baskets vary.
    const from = Math.max(0, lo - 3);
    const to = Math.min(this.variants.length - 1, lo + 3);
    return this.variants[from + this.rng.int(to - from + 1)]!;
  }

  private async deliver(topic: string, payload: unknown) {
    try {
      const result = await this.options.emulator.sendWebhook({ shop: this.domain, topic, payload });
      if (result.status < 200 || result.status >= 300) this.stats.webhookFailures += 1;
    } catch {
      this.stats.webhookFailures += 1;
    }
  }
}

// Members of the same variants share one program object, so their offer is built once.
const offers = new WeakMap<Program, ReturnType<typeof buildOffer>>();

function buildOffer(program: Program) {
  return {
    rewards: program.rewards
      .filter((r) => r.active)
      .map((r) => ({ id: r.id, pointsCost: r.pointsCost, valueMinor: rewardValueMinor(r.value) })),
    levels: program.tiers.basis === "spend" ? program.tiers.levels : [],
  };
}

function offerOf(program: Program) {
  let offer = offers.get(program);
  if (!offer) offers.set(program, (offer = buildOffer(program)));
  return offer;
}

function rewardValueMinor(value: Program["rewards"][number]["value"]): number {
  switch (value.kind) {
    case "fixedAmount":
      return value.amount.amountMinor;
    case "freeShipping":
      return 695;
    case "percentage":
      return Math.round(80 * value.percent);
    case "freeProduct":
      return 2_000;
  }
}

function emptyHistory() {
  return { droppedOut: false } as Parameters<typeof customerState>[1];
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
