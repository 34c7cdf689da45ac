// One computation per shop at a time, for the intelligence models' runs (a lifetime-value
// fit, a churn run): asking while one is queued or running answers that one and enqueues
// it again (the job id is the row's id, so a job already queued is not doubled); a row
// queued longer than STALE_QUEUED_MS lost its job, so a new one is created.

/** A run that has not started within this long is asked for again (its job was lost). */
export const STALE_QUEUED_MS = 6 * 60 * 60_000;

export interface RunRequest<Row extends { id: string }> {
  /** The shop's newest queued or running row created after `since`, if any. */
  findActive: (since: Date) => Promise<Row | null>;
  create: () => Promise<Row>;
  enqueue: (id: string) => Promise<void>;
  now: Date;
}

export async function requestRun<Row extends { id: string }>(
  request: RunRequest<Row>,
): Promise<{ row: Row; created: boolean }> {
  const active = await request.findActive(new Date(request.now.getTime() - STALE_QUEUED_MS));
  const row = active ?? (await request.create());
  await request.enqueue(row.id);
  return { row, created: !active };
}
