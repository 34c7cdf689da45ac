// A reward's use, as the catalogue shows it (usage.server.ts computes it).

export interface RewardUsage {
  redemptions: number;
  used: number;
  pointsSpent: number;
  discountsMinor: number;
  lastRedeemedAt: string | null;
  lastUsedAt: string | null;
}

export const NO_USAGE: RewardUsage = {
  redemptions: 0,
  used: 0,
  pointsSpent: 0,
  discountsMinor: 0,
  lastRedeemedAt: null,
  lastUsedAt: null,
};
