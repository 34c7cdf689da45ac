// Types for vader-sentiment 1.1.3 (the JavaScript port of VADER; the package ships none).
declare module "vader-sentiment" {
  export interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    /** Normalised sum of valences in [-1, 1], rounded to 4 decimals. */
    compound: number;
  }
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): PolarityScores;
  };
}
