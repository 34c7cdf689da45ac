import { readFileSync } from "node:fs";
import { parseScenario, ScenarioError, type Scenario } from "./schema";

// The one file read of the simulator's core: everything else in simulator/ (but the live
// and app-facing drivers) is pure and takes plain values.

/** Read and validate a scenario file; a ScenarioError lists every bad field. */
export function loadScenario(path: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ScenarioError(path, [`not readable JSON: ${(error as Error).message}`]);
  }
  return parseScenario(json, path);
}
