import { createPrisma } from "../../app/db.server";
import { currentProgramVersion, saveProgram } from "../../app/loyalty/services/program.server";
import type { Emulator } from "../../emulator/server";
import {
  acknowledgements,
  compareBalances,
  compareLedger,
  inboxCounts,
  ledgerVerify,
  snapshot,
  waitProcessed,
  type Row,
  type Snapshot,
} from "./outcome";
import type { PrivatePostgres } from "./postgres";
import { sleep, Stack } from "./stack";
import { FAULTS_PROGRAM, seedEmulator, sendAll, type DeliveryLog, type Workload } from "./workload";

// The steps every case shares: a fresh stack with the shop installed and its customers
// and products processed, the paced burst with a fault injected part-way, and the
// accounting against the fault-free run.

export type Suite = {
  cluster: PrivatePostgres;
  emulator: Emulator;
  workload: Workload;
  logDir: string;
  /** Burst deliveries per second. */
  rate: number;
  keepDatabases: boolean;
  say: (line: string) => void;
};

/** Starts a case's stack: server and worker, install, the program, customers and products processed. */
export async function prepare(suite: Suite, name: string): Promise<Stack> {
  const stack = await Stack.create(name, suite.cluster, suite.emulator, suite.logDir);
  // The caller only learns of the stack once it is ready: a failure on the way stops its
  // server and worker here, or they outlive the suite.
  try {
    await setUp(suite, name, stack);
  } catch (error) {
    await stack.destroy(suite.keepDatabases).catch(() => undefined);
    throw error;
  }
  return stack;
}

async function setUp(suite: Suite, name: string, stack: Stack): Promise<void> {
  await Promise.all([stack.startServer(), stack.startWorker()]);
  await stack.install();
  const db = createPrisma(stack.databaseUrl, 2);
  try {
    const { version } = await currentProgramVersion(db, stack.shop);
    await saveProgram(db, stack.shop, FAULTS_PROGRAM, { basedOn: version, note: "fault suite" });
  } finally {
    await db.$disconnect();
  }
  seedEmulator(suite.emulator, stack.shop, suite.workload);
  const setup = await sendAll(suite.workload.setup, {
    appUrl: stack.appUrl,
    shop: stack.shop,
    concurrency: 8,
    rate: 10_000,
    retryUntil: () => Date.now() + 30_000,
  });
  const done = await waitProcessed(stack, setup, Date.now() + 60_000, () => false);
  if (done === null) throw new Error(`${name}: the set-up deliveries were not processed within 60 s`);
}

export type Burst = {
  logs: DeliveryLog[];
  /** When the fault was over (service back, process restarted), epoch ms. */
  faultEnd: number;
};

/**
 * Sends the burst; once `at` of it has gone out, runs the fault, which resolves when the
 * fault is over. Unacknowledged deliveries are retried until `retryFor` after the fault.
 */
export async function burstWithFault(
  suite: Suite,
  stack: Stack,
  fault: (() => Promise<void>) | null,
  options: { at?: number; retryForMs?: number } = {},
): Promise<Burst> {
  const deliveries = suite.workload.burst;
  const trigger = Math.floor(deliveries.length * (options.at ?? 0.4));
  let reached: () => void = () => undefined;
  const halfway = new Promise<void>((resolve) => (reached = resolve));
  let faultEnd = Date.now();
  let faultDone = !fault;
  const injected = (async () => {
    if (!fault) return;
    await halfway;
    try {
      await fault();
    } finally {
      // Even a fault that could not be undone ends the sender's retries in time.
      faultEnd = Date.now();
      faultDone = true;
    }
  })();
  const logs = await sendAll(deliveries, {
    appUrl: stack.appUrl,
    shop: stack.shop,
    concurrency: 16,
    rate: suite.rate,
    onProgress: (sent) => {
      if (sent >= trigger) reached();
    },
    retryUntil: () => (faultDone ? faultEnd : Date.now()) + (options.retryForMs ?? 120_000),
  });
  await injected;
  return { logs, faultEnd };
}

export type Judgement = {
  name: string;
  stack: Stack;
  burst: Burst;
  baseline: Snapshot;
  /** How long after the fault everything must be processed. */
  deadlineMs: number;
  /** Case-specific findings: each makes the case fail. */
  problems: string[];
  notes: string[];
};

/** Waits for processing, then the table row: lost/doubled against the baseline, ledger:verify, crashes. */
export async function judge(j: Judgement): Promise<Row> {
  const { stack, burst } = j;
  const processedAt = await waitProcessed(stack, burst.logs, burst.faultEnd + j.deadlineMs, () => false);
  const webhookIds = burst.logs.map((l) => l.delivery.webhookId);
  const ackedIds = burst.logs.filter((l) => l.ackedAt !== null).map((l) => l.delivery.webhookId);
  const counts = await inboxCounts(stack, webhookIds);
  const acked = await inboxCounts(stack, ackedIds);
  const ack = acknowledgements(burst.logs);
  const actual = await snapshot(stack, { withRedemptions: false });
  const ledger = compareLedger(j.baseline, actual);
  const balances = compareBalances(j.baseline, actual);
  const drift = await ledgerVerify(stack);
  // Acknowledged rows that never got processed, plus effects the fault-free run has and this one lacks.
  const unprocessed = ackedIds.length - acked.processed - acked.failed;
  const lost = Math.max(unprocessed, ledger.missing);
  const problems = [...j.problems];
  if (counts.failed > 0) problems.push(`${counts.failed} inbox rows failed`);
  if (balances.length > 0)
    problems.push(`${balances.length} members' balances differ from the fault-free run`);
  if (drift > 0) problems.push(`ledger:verify: ${drift} members drift`);
  const never = burst.logs.length - ack.acknowledged;
  if (never > 0) problems.push(`${never} deliveries never acknowledged (Shopify would still be retrying)`);
  const crashes = stack.crashes();
  for (const c of crashes) problems.push(`${c.name} exited unasked (${c.signal ?? c.code})`);
  const notes = [
    ...j.notes,
    `slowest ack ${Math.round(ack.slowestAckMs)} ms`,
    ...(ack.refused ? [`${ack.refused} attempts not acknowledged (${ack.statuses.join("/")})`] : []),
    ...(unprocessed > 0 ? [`${unprocessed} acknowledged rows still unprocessed`] : []),
    ...(ledger.missing ? [`${ledger.missing} ledger entries missing`] : []),
    ...(ledger.extra ? [`${ledger.extra} ledger entries extra`] : []),
  ];
  if (balances.length) notes.push(`e.g. ${balances[0]}`);
  return {
    name: j.name,
    sent: burst.logs.length,
    acknowledged: ack.acknowledged,
    processed: counts.processed,
    lost,
    doubled: ledger.extra,
    recoveryS: processedAt === null ? null : Math.max(0, (processedAt - burst.faultEnd) / 1000),
    verify: drift === 0 ? "clean" : `${drift} drift`,
    notes: [...problems, ...notes],
    ok: lost === 0 && ledger.extra === 0 && problems.length === 0,
  };
}

/** Runs one case on a fresh stack and always tears it down. */
export async function runCase(
  suite: Suite,
  name: string,
  body: (stack: Stack) => Promise<Row>,
): Promise<Row> {
  suite.say(`${name}: starting a fresh stack`);
  let stack: Stack | undefined;
  try {
    stack = await prepare(suite, name);
    suite.say(`${name}: shop installed, customers and products processed; sending the burst`);
    const row = await body(stack);
    suite.say(`${name}: ${row.ok ? "passed" : "FAILED"} (${row.notes.join("; ")})`);
    return row;
  } catch (error) {
    suite.say(`${name}: could not run: ${error instanceof Error ? error.stack : String(error)}`);
    return {
      name,
      sent: 0,
      acknowledged: 0,
      processed: 0,
      lost: 0,
      doubled: 0,
      recoveryS: null,
      verify: "-",
      notes: [`harness error: ${error instanceof Error ? error.message : String(error)}`],
      ok: false,
    };
  } finally {
    await stack?.destroy(suite.keepDatabases).catch(() => undefined);
    await sleep(0);
  }
}
