import { OPTIMIZER_STAFF_ID } from "~/experiments/auto-apply";
import { SIMULATOR_STAFF_ID } from "~/experiments/simulated";

// Who did it, in the words an audit line needs: the staff member's name when the app has
// seen them in the admin (app/shopify/staff.server.ts), else their Shopify user id.

export function staffLabel(id: string | null | undefined, names: Readonly<Record<string, string>>): string {
  if (!id) return "the app";
  if (id === SIMULATOR_STAFF_ID) return "the simulator";
  if (id === OPTIMIZER_STAFF_ID) return "the optimizer";
  return names[id] ?? `staff user ${id}`;
}
