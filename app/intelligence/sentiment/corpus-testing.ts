// Labelled review texts for checking the scorer: the simulator's reviews (their wording is
// drawn from phrase banks per star rating, simulator/behaviour/review-text.ts) and a small
// hand-written set with the cases a lexicon scorer can get wrong (negation, emoji,
// exclamation, capitals, "but", mixed feelings). reference/compute.py scores the same texts
// with the Python VADER implementation.
import { reviewText as simulatedReview } from "../../../simulator/behaviour/review-text";
import { Rng } from "../../../simulator/random/rng";
import { reviewText } from "./vader";

export interface LabelledText {
  set: "readme" | "handwritten" | "simulator";
  text: string;
  /** Stars, 1–5 (absent for VADER's README examples). */
  rating?: number;
}

/** VADER's README examples with the compound scores its README publishes. */
export const README_EXAMPLES: ReadonlyArray<{ text: string; compound: number }> = [
  { text: "VADER is smart, handsome, and funny.", compound: 0.8316 },
  { text: "VADER is smart, handsome, and funny!", compound: 0.8439 },
  { text: "VADER is very smart, handsome, and funny.", compound: 0.8545 },
  { text: "VADER is VERY SMART, handsome, and FUNNY.", compound: 0.9227 },
  { text: "VADER is VERY SMART, handsome, and FUNNY!!!", compound: 0.9342 },
  { text: "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", compound: 0.9469 },
  { text: "VADER is not smart, handsome, nor funny.", compound: -0.7424 },
  { text: "The book was good.", compound: 0.4404 },
  { text: "At least it isn't a horrible book.", compound: 0.431 },
  { text: "The book was only kind of good.", compound: 0.3832 },
  {
    text: "The plot was good, but the characters are uncompelling and the dialog is not great.",
    compound: -0.7042,
  },
  { text: "Today SUX!", compound: -0.5461 },
  { text: "Today only kinda sux! But I'll get by, lol", compound: 0.5249 },
  { text: "Make sure you :) or :D today!", compound: 0.8633 },
  { text: "Catch utf-8 emoji such as 💘 and 💋 and 😁", compound: 0.7003 },
  { text: "Not bad at all", compound: 0.431 },
];

const HANDWRITTEN: ReadonlyArray<[number, string, string]> = [
  [5, "Love it!", "Fits perfectly and the colour is gorgeous."],
  [5, "AMAZING!!!", "Best candle I have ever bought."],
  [5, "😍😍😍", "Obsessed with this mug"],
  [5, "Perfect gift 🎉", "My sister loved it 👍"],
  [5, "Five stars", "Excellent quality, fast delivery, would definitely recommend."],
  [4, "Really nice", "Good quality, a bit pricey but worth it."],
  [4, "Pretty good", "Not perfect, but I'm happy with it."],
  [4, "Not bad at all", "Does what it says."],
  [4, "Solid", "Comfortable and well made. Shipping was slow though."],
  [4, "Happy", "Nice fabric 🙂"],
  [3, "OK", "It's fine. Nothing special."],
  [3, "Mixed feelings", "The design is lovely but the zip broke after a month."],
  [3, "Average", "Does the job, I guess."],
  [3, "Hmm 🤔", "Smaller than expected but the quality is decent."],
  [2, "Not good", "The stitching came loose and it looks cheap."],
  [2, "Not worth it", "I don't love it. Too small and the colour is off."],
  [2, "Disappointed", "Expected better quality for the price."],
  [2, "Meh 😕", "Not great, not terrible, just not what I wanted."],
  [2, "Could be better", "Arrived late and the box was dented."],
  [1, "Terrible", "Broke after two days. Avoid!!!"],
  [1, "WORST PURCHASE EVER", "Cheap plastic, fell apart instantly."],
  [1, "😡😡", "Never arrived and no one answers my emails."],
  [1, "Do not buy", "Complete waste of money, I want a refund."],
  [1, "Not happy at all", "Nothing like the photos. Returned it 👎"],
];

const PRODUCTS = ["Linen Tote Bag", "Ceramic Mug", "Wool Scarf", "Soy Candle", "Leather Wallet"];

/** `perRating` simulator reviews of each star rating, seeded. */
export function simulatorReviews(perRating: number, seed = 15): LabelledText[] {
  const rng = new Rng(seed, 7);
  const out: LabelledText[] = [];
  for (let rating = 1; rating <= 5; rating++)
    for (let i = 0; i < perRating; i++) {
      const text = simulatedReview(rng, rating, rng.pick(PRODUCTS));
      out.push({ set: "simulator", rating, text: reviewText(text) });
    }
  return out;
}

/** Every labelled text: README examples, the hand-written set, 40 simulator reviews per rating. */
export function labelledCorpus(): LabelledText[] {
  return [
    ...README_EXAMPLES.map(({ text }) => ({ set: "readme" as const, text })),
    ...HANDWRITTEN.map(([rating, title, body]) => ({
      set: "handwritten" as const,
      rating,
      text: reviewText({ title, body }),
    })),
    ...simulatorReviews(40),
  ];
}
