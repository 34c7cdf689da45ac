// The simulator's public surface: generate shops, stream them, and judge against the truth.
export { customerBatches, defineShop, generateShop } from "./shop";
export type { GeneratedShop, ShopBatch, ShopDefinition } from "./shop";
export { SEGMENTS, shopParams, shopParamsSchema } from "./model/params";
export type { Segment, ShopParams, ShopParamsInput } from "./model/params";
export { buildCalendar, cumulativeAt, DAY_MS, isoAt } from "./model/calendar";
export type { Calendar } from "./model/calendar";
export { productInput } from "./catalog/catalog";
export type { Catalog, SimProduct, SimVariant } from "./catalog/catalog";
export { customerInput } from "./customers/customers";
export type { Latent, Profile, SimCustomer } from "./customers/customers";
export { minorText, refundSpec } from "./behaviour/history";
export type { CustomerHistory, SimRefund, SimRefundLine, SimReview } from "./behaviour/history";
export { engagementEvents, type SimEngagementEvent } from "./behaviour/engagement-events";
export type { SimRedemption } from "./behaviour/past-loyalty";
export type { CustomerTruth } from "./truth/customer-truth";
export { expectedPurchasesIfAlive, probabilityAlive } from "./truth/alive";
export { baselineKey, liveHorizon, variantTruth } from "./truth/variants";
export type { PopulationMember, VariantOutcome, VariantTruth } from "./truth/variants";
export { parseScenario, ScenarioError, scenarioSchema } from "./scenario/schema";
export type { ResponseConfig, Scenario, ScenarioInput, Variant } from "./scenario/schema";
export { rateComponents, redemptionProbability, responder, rewardRate } from "./scenario/respond";
export type {
  CustomerState,
  DayResponse,
  ProgramExposure,
  RateComponents,
  Respond,
} from "./scenario/respond";
export { customerState, groundTruth } from "./scenario/ground-truth";
export { loadScenario } from "./scenario/load";
export type { GroundTruthReport } from "./scenario/ground-truth";
export { Rng } from "./random/rng";
