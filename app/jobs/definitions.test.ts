import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { parseJobData, QUEUE } from "./definitions";

describe("parseJobData", () => {
  it("returns a valid payload", () => {
    const eventId = "0b8f0c1e-7c38-4b39-9a57-8c3b1f1f2a10";
    expect(parseJobData(QUEUE.webhooks, "process-webhook", { eventId })).toEqual({ eventId });
  });

  it.each([
    ["a missing id", QUEUE.webhooks, "process-webhook", {}],
    ["a malformed id", QUEUE.webhooks, "process-webhook", { eventId: "42" }],
    [
      "extra fields",
      QUEUE.webhooks,
      "process-webhook",
      { eventId: "0b8f0c1e-7c38-4b39-9a57-8c3b1f1f2a10", shop: "x" },
    ],
    ["an unknown job name", QUEUE.maintenance, "rebuild-everything", {}],
  ] as const)("fails %s as unrecoverable, so it is not retried", (_case, queue, name, data) => {
    expect(() => parseJobData(queue, name, data)).toThrow(UnrecoverableError);
  });
});
