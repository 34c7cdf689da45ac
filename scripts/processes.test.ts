import { afterEach, describe, expect, it } from "vitest";
import { Supervisor } from "./processes";

// The supervisor of `npm run local` and `npm run demo`, on real child processes: a crashed
// worker comes back with a growing pause and a line saying so, instead of the whole stack
// stopping (issue 11: one child exiting used to stop everything).

const crash = ["-e", "setTimeout(() => process.exit(3), 20)"];
const serve = ["-e", "setInterval(() => {}, 1000)"];
const backoff = { initialMs: 50, maxMs: 200, resetAfterMs: 60_000 };

let supervisor: Supervisor | undefined;
afterEach(async () => {
  if (supervisor && !supervisor.isStopping) await supervisor.stop();
  supervisor = undefined;
});

function supervised() {
  const lines: string[] = [];
  let exitCode: number | undefined;
  supervisor = new Supervisor("the test stack", {
    print: (line) => lines.push(line),
    exit: (code) => (exitCode = code),
    handleSignals: false,
    backoff,
  });
  return { supervisor, lines, exitCode: () => exitCode };
}

describe("Supervisor", () => {
  it("restarts a crashed service with a growing pause, and keeps the others running", async () => {
    const { supervisor, lines, exitCode } = supervised();
    const web = supervisor.start("web", serve);
    supervisor.start("worker", crash, {}, { restart: true });

    await expect
      .poll(() => lines.filter((l) => l.includes("restarting")).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(4);

    const restarts = lines.filter((l) => l.includes("restarting")).slice(0, 4);
    expect(restarts).toEqual([
      "[worker]  exited (3); restarting in 50 ms (restart 1).",
      "[worker]  exited (3); restarting in 100 ms (restart 2).",
      "[worker]  exited (3); restarting in 200 ms (restart 3).",
      "[worker]  exited (3); restarting in 200 ms (restart 4).",
    ]);
    expect(web.exitCode).toBeNull();
    expect(exitCode()).toBeUndefined();
  });

  it("stops everything, with exit code 1, when a service without restart exits", async () => {
    const { supervisor, lines, exitCode } = supervised();
    const worker = supervisor.start("worker", serve, {}, { restart: true });
    supervisor.start("emulator", crash);

    await expect.poll(exitCode, { timeout: 10_000 }).toBe(1);
    expect(lines).toContain("[emulator]exited (3); stopping the test stack.");
    expect(worker.signalCode).toBe("SIGTERM");
  });
});
