import { Kind, parse, type OperationDefinitionNode } from "graphql";
import type { ShopState } from "../store";

// Planned failures, so tests can watch the app survive Shopify misbehaving: the next N
// calls of the named mutations answer with userErrors (the mutation refuses), with
// HTTP 500 (Shopify itself fails, nothing is written), with THROTTLED (the bucket is
// empty, nothing is written), or time out (the mutation IS applied, then the connection
// closes without an answer: the caller cannot tell whether it ran). Plans live beside
// the shop's state, so resetting or recreating the shop clears them.

export type FaultKind = "userErrors" | "serverError" | "throttled" | "timeout";
/** The kinds decided for the whole request before (or, for timeout, after) it executes. */
export type RequestFaultKind = Exclude<FaultKind, "userErrors">;
const REQUEST_FAULT_KINDS: RequestFaultKind[] = ["serverError", "throttled", "timeout"];

export type FaultPlan = {
  /** Root mutation fields the fault applies to. */
  mutations: string[];
  kind: FaultKind;
  /** How many matching calls fail; each failure uses one. */
  count: number;
};

const plans = new WeakMap<ShopState, FaultPlan[]>();

export function planFaults(shop: ShopState, plan: FaultPlan): void {
  if (!Number.isInteger(plan.count) || plan.count < 1)
    throw new Error("fault count must be a whole number ≥ 1");
  if (plan.mutations.length === 0) throw new Error("name at least one mutation");
  plans.set(shop, [...(plans.get(shop) ?? []), { ...plan, mutations: [...plan.mutations] }]);
}

/** Uses one planned fault of `kind` for `mutation`; true when this call must fail. */
export function takeFault(shop: ShopState, mutation: string, kind: FaultKind): boolean {
  const list = plans.get(shop) ?? [];
  const plan = list.find((p) => p.kind === kind && p.count > 0 && p.mutations.includes(mutation));
  if (!plan) return false;
  plan.count -= 1;
  plans.set(
    shop,
    list.filter((p) => p.count > 0),
  );
  return true;
}

export function pendingFaults(shop: ShopState): FaultPlan[] {
  return (plans.get(shop) ?? []).map((p) => ({ ...p, mutations: [...p.mutations] }));
}

/**
 * The request-level fault this request meets, if any: it is a mutation one of whose root
 * fields has a planned serverError, throttled or timeout fault (one plan is used).
 * Unparseable documents are left to the executor's errors.
 */
export function takeRequestFault(
  shop: ShopState,
  query: string,
  operationName?: string,
): RequestFaultKind | null {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
  } catch {
    return null;
  }
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (operation?.operation !== "mutation") return null;
  const fields = operation.selectionSet.selections.flatMap((s) =>
    s.kind === Kind.FIELD ? [s.name.value] : [],
  );
  for (const kind of REQUEST_FAULT_KINDS)
    if (fields.some((field) => takeFault(shop, field, kind))) return kind;
  return null;
}

/** The userErrors a mutation answers when a fault is planned for it. */
export function plannedUserErrors(mutation: string) {
  return [
    {
      field: null,
      message: `${mutation} failed (emulated fault)`,
      code: "INTERNAL_ERROR",
      extraInfo: null,
    },
  ];
}
