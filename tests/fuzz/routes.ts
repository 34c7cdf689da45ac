// What a Remix loader or action answered, as the status the client would see: a returned
// or thrown Response, `data(value, { status })`, or a plain value (200). Anything else
// thrown is what Remix turns into a 500, so it is rethrown for the test to fail on.

type WithInit = { type: "DataWithResponseInit"; init: { status?: number } | null };

const isDataWithInit = (value: unknown): value is WithInit =>
  typeof value === "object" && value !== null && (value as WithInit).type === "DataWithResponseInit";

function statusOf(value: unknown): number {
  if (value instanceof Response) return value.status;
  if (isDataWithInit(value)) return value.init?.status ?? 200;
  return 200;
}

export async function answerStatus(run: () => unknown): Promise<number> {
  try {
    return statusOf(await run());
  } catch (thrown) {
    if (thrown instanceof Response || isDataWithInit(thrown)) return statusOf(thrown);
    throw thrown;
  }
}
