import pg from "pg";

// How fast this machine is at the moment: a fixed CPU-bound workload in node and one in
// PostgreSQL, timed around a benchmark. These machines share their cores with other
// tenants, and the same work can take a quarter longer from one hour to the next; the
// calibration printed beside a figure says which kind of hour it was. Targets stay
// absolute: nothing is scaled by it.

export interface HostSpeed {
  nodeMs: number;
  postgresMs: number;
}

/** JSON work of the kind the app does (parse, build, stringify), fixed in size. */
function nodeWorkload(): number {
  const started = performance.now();
  let checksum = 0;
  for (let i = 0; i < 60_000; i += 1) {
    const order = {
      id: `gid://shopify/Order/${10_000_000 + i}`,
      lines: [1, 2, 3].map((n) => ({ id: n * i, price: (n * 12.5).toFixed(2), quantity: n })),
      createdAt: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
    };
    const back = JSON.parse(JSON.stringify(order)) as typeof order;
    checksum += back.lines.length;
  }
  if (checksum < 0) throw new Error("unreachable");
  return performance.now() - started;
}

export async function hostSpeed(databaseUrl: string): Promise<HostSpeed> {
  const nodeMs = Math.min(nodeWorkload(), nodeWorkload());
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const run = async () => {
      const started = performance.now();
      await client.query(`SELECT sum(hashtext(g::text)) FROM generate_series(1, 2000000) g`);
      return performance.now() - started;
    };
    const postgresMs = Math.min(await run(), await run());
    return { nodeMs: Math.round(nodeMs), postgresMs: Math.round(postgresMs) };
  } finally {
    await client.end();
  }
}

export const describeHostSpeed = (label: string, s: HostSpeed) =>
  `host speed ${label}: reference workloads took node ${s.nodeMs} ms, postgres ${s.postgresMs} ms`;
