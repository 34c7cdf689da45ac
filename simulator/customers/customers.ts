import type { CustomerInput } from "../../emulator/resources/inputs";
import type { Catalog } from "../catalog/catalog";
import { acquisitionDay, DAY_MS, isoAt, type Calendar } from "../model/calendar";
import { SEGMENTS, type Segment, type ShopParams } from "../model/params";
import type { Rng } from "../random/rng";
import { beta, categorical, cumulative, cumulativeList, dirichlet, gamma, normal } from "../random/samplers";
import {
  COUNTRIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  GENDER_SHARES,
  GENDERS,
  INCOME_BANDS,
  LAST_NAMES,
  type Country,
  type Gender,
  type IncomeBand,
  type Region,
} from "./people";

export const CUSTOMER_ID_BASE = 7_100_000_000_000;

/**
 * The hidden truth about a customer. λ, p and ν are drawn exactly from the BG/NBD and
 * Gamma-Gamma priors (nothing else shifts them), so a fitted model can be checked against
 * the shop's parameters; observable attributes are drawn *given* the latents instead.
 */
export interface Latent {
  buyer: boolean;
  lambdaPerYear: number;
  dropoutP: number;
  /** Gamma-Gamma: order value (major units) ~ Gamma(spendShape, rate spendRate). */
  spendShape: number;
  spendRate: number;
  meanOrderValueMinor: number;
  categoryPrefs: number[];
  refundPropensity: number;
  reviewPropensity: number;
  discountPropensity: number;
  openRate: number;
  clickGivenOpen: number;
  /** Standardised dropout propensity: unhappy customers churn and write worse reviews. */
  dissatisfaction: number;
}

export interface Profile {
  age: number;
  gender: Gender;
  country: string;
  countryName: string;
  region: string;
  city: string;
  domestic: boolean;
  taxRate: number;
  incomeBand: IncomeBand;
  segment: Segment;
  emailConsent: boolean;
  smsConsent: boolean;
}

export interface SimCustomer {
  index: number;
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  /** Fractional day of sign-up (and of the first order, for buyers). */
  acquiredDay: number;
  signupAt: string;
  profile: Profile;
  latent: Latent;
  /** Cumulative category preferences, for `categorical`. */
  preferenceSums: number[];
}

export interface CustomerTables {
  segmentSums: Float64Array;
  segmentDiscount: Float64Array;
  segmentOpen: Float64Array;
  countrySums: Float64Array;
  genderSums: Float64Array;
  youngAlpha: Float64Array;
  olderAlpha: Float64Array;
  dropoutMean: number;
  dropoutSd: number;
  medianSpend: number;
}

const SEGMENT_DISCOUNT: Record<Segment, number> = { dealSeeker: 2.2, loyalist: 0.6, casual: 0.9, engaged: 1 };
const SEGMENT_OPEN: Record<Segment, number> = { dealSeeker: 1, loyalist: 1.2, casual: 0.7, engaged: 1.7 };
const INCOME_BASE = [0.14, 0.24, 0.34, 0.18, 0.1];
/** Scratch space: customers are drawn one at a time, synchronously. */
const incomeSums = new Float64Array(INCOME_BASE.length);
const asciiNames = new Map<string, string>();

export function customerTables(params: ShopParams, catalog: Catalog): CustomerTables {
  const shares = SEGMENTS.map((s) => params.segmentShares[s]);
  const total = shares.reduce((a, b) => a + b, 0);
  // Segment factors are rescaled so the population means stay at the stated rates.
  const normalised = (factors: Record<Segment, number>) => {
    const mean = SEGMENTS.reduce((s, seg, i) => s + ((shares[i] as number) / total) * factors[seg], 0);
    return Float64Array.from(SEGMENTS, (s) => factors[s] / mean);
  };
  const { a, b } = params.dropout;
  const { p, q, gamma: g } = params.spend;
  return {
    segmentSums: cumulative(shares),
    segmentDiscount: normalised(SEGMENT_DISCOUNT),
    segmentOpen: normalised(SEGMENT_OPEN),
    countrySums: cumulative(COUNTRIES.map((c) => c.share)),
    genderSums: cumulative(GENDER_SHARES),
    youngAlpha: Float64Array.from(catalog.categories, (c) => params.categoryConcentration * c.youngTilt),
    olderAlpha: Float64Array.from(catalog.categories, (c) => params.categoryConcentration / c.youngTilt),
    dropoutMean: a / (a + b),
    dropoutSd: Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1))),
    medianSpend: (p * g) / (q - 1),
  };
}

/** Draw customer `index` from its own stream (the caller has reseeded `rng` for it). */
export function drawCustomer(
  rng: Rng,
  index: number,
  params: ShopParams,
  calendar: Calendar,
  tables: CustomerTables,
): SimCustomer {
  const buyer = !rng.chance(params.prospectShare);
  const lambdaPerYear = gamma(rng, params.purchase.r, 1 / params.purchase.alpha);
  const dropoutP = beta(rng, params.dropout.a, params.dropout.b);
  const spendRate = gamma(rng, params.spend.q, 1 / params.spend.gamma);
  const meanOrderValue = params.spend.p / spendRate;
  const segment = SEGMENTS[categorical(rng, tables.segmentSums)] as Segment;
  const seg = SEGMENTS.indexOf(segment);

  const age = Math.round(Math.min(85, Math.max(18, normal(rng, 39, 13))));
  const alpha = age < 35 ? tables.youngAlpha : tables.olderAlpha;
  const categoryPrefs = dirichlet(rng, alpha, new Array<number>(alpha.length));
  const country = COUNTRIES[categorical(rng, tables.countrySums)] as Country;
  const region = rng.pick(country.regions) as Region;
  const gender = GENDERS[categorical(rng, tables.genderSums)] as Gender;
  const tilt = Math.log(meanOrderValue / tables.medianSpend);
  for (let i = 0, sum = 0; i < INCOME_BASE.length; i++) {
    sum += INCOME_BASE[i]! * Math.exp(0.9 * tilt * (i - 2));
    incomeSums[i] = sum;
  }
  const incomeBand = INCOME_BANDS[categorical(rng, incomeSums)] as IncomeBand;

  const names =
    gender === "female" ? FIRST_NAMES.female : gender === "male" ? FIRST_NAMES.male : FIRST_NAMES.neutral;
  const firstName = rng.pick(names);
  const lastName = rng.pick(LAST_NAMES);
  const emailConsent = rng.chance(params.email.consentRate);
  const smsConsent = rng.chance(params.email.smsConsentRate);
  const discountMean = Math.min(0.9, params.discountRate * (tables.segmentDiscount[seg] as number));
  const openMean = Math.min(0.9, params.email.meanOpenRate * (tables.segmentOpen[seg] as number));
  const acquiredDay = acquisitionDay(calendar, rng.float());

  return {
    index,
    id: CUSTOMER_ID_BASE + index + 1,
    firstName,
    lastName,
    email: `${ascii(firstName)}.${ascii(lastName)}.${index + 1}@${EMAIL_DOMAINS[index % EMAIL_DOMAINS.length]}`,
    phone: smsConsent ? `+1555${String(1_000_000 + (index % 9_000_000)).padStart(7, "0")}` : null,
    acquiredDay,
    signupAt: isoAt(calendar, calendar.startMs + Math.floor(acquiredDay * DAY_MS)),
    profile: {
      age,
      gender,
      country: country.code,
      countryName: country.name,
      region: region.code,
      city: rng.pick(region.cities),
      domestic: country.domestic,
      taxRate: region.taxRate,
      incomeBand,
      segment,
      emailConsent,
      smsConsent,
    },
    latent: {
      buyer,
      lambdaPerYear,
      dropoutP,
      spendShape: params.spend.p,
      spendRate,
      meanOrderValueMinor: Math.round(meanOrderValue * 100),
      categoryPrefs,
      refundPropensity: beta(rng, params.refundRate * 20, (1 - params.refundRate) * 20),
      reviewPropensity: beta(rng, params.reviewRate * 4, (1 - params.reviewRate) * 4),
      discountPropensity: beta(rng, discountMean * 5, (1 - discountMean) * 5),
      openRate: beta(rng, openMean * 6, (1 - openMean) * 6),
      clickGivenOpen: beta(
        rng,
        params.email.meanClickGivenOpen * 8,
        (1 - params.email.meanClickGivenOpen) * 8,
      ),
      dissatisfaction: Math.max(-2, Math.min(3, (dropoutP - tables.dropoutMean) / tables.dropoutSd)),
    },
    preferenceSums: cumulativeList(categoryPrefs),
  };
}

function ascii(name: string): string {
  let out = asciiNames.get(name);
  if (out === undefined) {
    out = name
      .normalize("NFD")
      .replace(/[^A-Za-z]/g, "")
      .toLowerCase();
    asciiNames.set(name, out);
  }
  return out;
}

/** The emulator's customer input, as of the end of history. */
export function customerInput(customer: SimCustomer, updatedAt: string): CustomerInput {
  return {
    id: customer.id,
    email: customer.email,
    phone: customer.phone,
    firstName: customer.firstName,
    lastName: customer.lastName,
    tags: customer.latent.buyer ? [] : ["newsletter"],
    state: customer.latent.buyer ? "ENABLED" : "DISABLED",
    verifiedEmail: true,
    emailMarketingState: customer.profile.emailConsent ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
    smsMarketingState: customer.profile.smsConsent ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
    createdAt: customer.signupAt,
    updatedAt,
  };
}
