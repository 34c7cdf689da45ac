import type { Rng } from "../random/rng";

// Review text assembled from phrase banks per star rating, so the wording's sentiment follows
// the rating (and, through it, the customer's later churn).

const TITLES: Record<number, string[]> = {
  1: ["Very disappointed", "Would not buy again", "Not as described", "Waste of money"],
  2: ["Not great", "Expected more", "Below expectations", "Meh"],
  3: ["It's okay", "Decent but not special", "Mixed feelings", "Average"],
  4: ["Really good", "Happy with it", "Nice quality", "Solid purchase"],
  5: ["Love it!", "Absolutely perfect", "Best purchase this year", "Exceeded expectations"],
};

const OPENINGS: Record<number, string[]> = {
  1: [
    "The {p} fell apart after a week.",
    "My {p} arrived damaged and support was slow to answer.",
    "The {p} looks nothing like the photos.",
  ],
  2: [
    "The {p} is smaller than I expected.",
    "Quality of the {p} feels cheap for the price.",
    "Shipping took far too long for my {p}.",
  ],
  3: ["The {p} does the job.", "The {p} is fine, nothing more.", "My {p} is okay for everyday use."],
  4: ["The {p} is well made.", "Really like my new {p}.", "The {p} fits well and looks great."],
  5: [
    "I absolutely love this {p}.",
    "The {p} is beautifully made.",
    "This {p} is exactly what I was looking for.",
  ],
};

const DETAILS: Record<number, string[]> = {
  1: [
    "I asked for a refund.",
    "Returning it.",
    "I won't be ordering from this shop again.",
    "Customer service never replied.",
  ],
  2: [
    "Probably won't reorder.",
    "The colour was off too.",
    "Not sure it was worth it.",
    "Packaging was poor.",
  ],
  3: [
    "Delivery was on time.",
    "Might try another colour.",
    "Good enough for the price.",
    "Nothing to complain about, nothing to rave about.",
  ],
  4: ["Delivery was quick.", "Would buy again.", "Good value for money.", "Packaging was lovely."],
  5: [
    "Already ordered a second one!",
    "Fast shipping and gorgeous packaging.",
    "Recommended it to all my friends.",
    "Will definitely be back for more.",
  ],
};

export function reviewText(rng: Rng, rating: number, productTitle: string): { title: string; body: string } {
  const opening = rng.pick(OPENINGS[rating] as string[]).replace("{p}", productTitle);
  return {
    title: rng.pick(TITLES[rating] as string[]),
    body: `${opening} ${rng.pick(DETAILS[rating] as string[])}`,
  };
}
