import type { AppRoute, RouteArgs } from "./route-table";

// A route's answer as the client would see it, whether the loader or action returned a
// Response, returned data (Remix serialises it with status 200 or data()'s status), or
// threw a Response (the Shopify library's redirects and 401s). Anything else thrown is
// what Remix would answer with a 500.

export type Answer = { status: number; headers: Headers; body: string };

type DataWithInit = { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null };

const isDataWithInit = (value: unknown): value is DataWithInit =>
  typeof value === "object" && value !== null && (value as DataWithInit).type === "DataWithResponseInit";

const serialise = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "";

async function answerOf(value: unknown): Promise<Answer> {
  if (value instanceof Response) {
    return { status: value.status, headers: value.headers, body: await value.text() };
  }
  if (isDataWithInit(value)) {
    return {
      status: value.init?.status ?? 200,
      headers: new Headers(value.init?.headers),
      body: serialise(value.data),
    };
  }
  return { status: 200, headers: new Headers(), body: serialise(value) };
}

export type Method = "GET" | "POST";

/** Calls the route's loader (GET) or action (POST) with the request, as Remix would. */
export async function callRoute(
  route: AppRoute,
  method: Method,
  request: Request,
  params: Record<string, string>,
): Promise<Answer> {
  const handler = method === "GET" ? route.loader : route.action;
  if (!handler) throw new Error(`${route.id} has no ${method === "GET" ? "loader" : "action"}`);
  const args: RouteArgs = { request, params, context: {} };
  try {
    return await answerOf(await handler(args));
  } catch (thrown) {
    if (thrown instanceof Response) return answerOf(thrown);
    return {
      status: 500,
      headers: new Headers(),
      body: String(thrown instanceof Error ? thrown.stack : thrown),
    };
  }
}
