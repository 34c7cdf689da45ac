// Turns a function over many items into one over a single item, by gathering the calls
// that arrive while earlier batches are in flight. An idle system flushes at once (after
// the current I/O callbacks, so simultaneous arrivals share a batch); a busy one sends
// ever larger batches, so one database or Redis round trip serves many requests.

export type BatchFlush<I, O> = (items: I[]) => Promise<(O | ItemFailure)[]>;

/** What a flush returns for one item that failed while the rest of its batch succeeded. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

export function coalesce<I, O>(
  flush: BatchFlush<I, O>,
  options: { maxBatch?: number; maxInFlight?: number } = {},
): (item: I) => Promise<O> {
  const { maxBatch = 200, maxInFlight = 2 } = options;
  type Waiting = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  const send = async (batch: Waiting[]) => {
    inFlight += 1;
    try {
      const results = await flush(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error("batch flush returned a result per item");
      batch.forEach((w, i) => {
        const result = results[i]!;
        if (result instanceof ItemFailure) w.reject(result.error);
        else w.resolve(result);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      inFlight -= 1;
      pump();
    }
  };
  const pump = () => {
    while (waiting.length > 0 && inFlight < maxInFlight) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      void send(batch);
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      }
    });
}
