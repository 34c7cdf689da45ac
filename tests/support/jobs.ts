import type { Job } from "bullmq";

/** A BullMQ job as a processor sees it, its progress reports collected in `progress`. */
export const fakeJob = (name: string, data: unknown, progress: number[] = [], attempts = 3) =>
  ({
    name,
    data,
    attemptsMade: 0,
    opts: { attempts },
    updateProgress: async (p: number) => void progress.push(p),
  }) as unknown as Job;
