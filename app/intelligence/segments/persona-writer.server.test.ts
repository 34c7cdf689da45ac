import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createOpenAiClient } from "~/openai.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { startOpenAiStub, type OpenAiStub } from "../../../emulator/openai/stub";
import { computeSegments, latestSegments, startSegmentRun } from "./compute.server";
import { seedSimulatedShop, simulatedShop } from "./segments-testing.server";

// The segments run with OpenAI configured (the local stub): each cluster's persona written
// from its centroid and size, the answer recorded with who wrote it; an error, or an answer
// that breaks the limits, leaves the templated personas; without a key nothing is sent.

const db = prisma();
const SHOP = "segments-personas.myshopify.com";
const NOW = new Date("2026-12-01T00:00:00Z");
const generated = simulatedShop(SHOP, 300, NOW);
const KEY = "sk-test-personas-0123456789abcdef";

let stub: OpenAiStub;
beforeAll(async () => {
  stub = await startOpenAiStub({ apiKey: KEY });
});
afterAll(() => stub.close());

beforeEach(async () => {
  await resetDatabase(db);
  stub.state.requests.length = 0;
  stub.state.replies.length = 0;
  await seedSimulatedShop(db, SHOP, generated);
});

const client = () =>
  createOpenAiClient({
    apiKey: KEY,
    baseURL: stub.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    maxRetries: 0,
    timeoutMs: 5_000,
  });

async function run(openAi: ReturnType<typeof client> | null) {
  const { id } = await startSegmentRun(db, SHOP, NOW);
  await computeSegments(db, id, { now: NOW, openAi });
  const { summary } = await latestSegments(db, SHOP);
  if (!summary?.clusters.ok) throw new Error("expected clusters");
  return summary.clusters.clusters;
}

const answer = (i: number) => ({
  name: `Persona ${i}`,
  description: `Customers of cluster ${i}, described from their averages.`,
  action: `Offer cluster ${i} double points on their next order.`,
});

describe("personas written by OpenAI during the segments run", () => {
  it("asks once per cluster with its centroid and size, and records OpenAI's answer", async () => {
    stub.script(...Array.from({ length: 8 }, (_, i) => ({ content: JSON.stringify(answer(i)) })));
    const clusters = await run(client());
    expect(stub.state.requests).toHaveLength(clusters.length);
    clusters.forEach((c, i) => {
      expect(c.written).toEqual({ by: "openai", ...answer(i) });
      // The template stays the persona's key for saved segments.
      expect(c.title).toMatch(/spenders/);
    });
    const sent = stub.state.requests[0]!.body as {
      messages: { role: string; content: string }[];
      response_format: { json_schema: { name: string; schema: { required: string[] } } };
    };
    const user = sent.messages.find((m) => m.role === "user")!.content;
    expect(user).toContain(`Cluster of ${clusters[0]!.size} of the store's`);
    expect(user).toContain("Orders:");
    expect(user).toContain("USD");
    expect(sent.response_format.json_schema.name).toBe("loyalty_persona");
    expect(sent.response_format.json_schema.schema.required).toEqual(["name", "description", "action"]);
  });

  it("keeps the templated personas when OpenAI answers with an error, and stops asking", async () => {
    stub.script({ status: 500, message: "The server had an error" });
    const clusters = await run(client());
    expect(stub.state.requests).toHaveLength(1);
    for (const c of clusters)
      expect(c.written).toEqual({ by: "template", name: c.title, description: c.persona, action: null });
  });

  it("keeps the template for an answer beyond the limits (a name over 40 characters)", async () => {
    stub.script({
      content: JSON.stringify({ ...answer(0), name: "A name that goes on far beyond forty characters" }),
    });
    const clusters = await run(client());
    expect(clusters[0]!.written?.by).toBe("template");
  });

  it("sends nothing without a key", async () => {
    const clusters = await run(null);
    expect(stub.state.requests).toHaveLength(0);
    expect(clusters.every((c) => c.written?.by === "template")).toBe(true);
  });
});
