import type { TriggerKind } from "./triggers";

// The copy a new campaign of each trigger starts from: short, friendly, and using the
// variables that trigger fills. Campaigns start off; the merchant reads, edits and switches on.

export const DEFAULT_COPY: Record<TriggerKind, { name: string; subject: string; body: string }> = {
  tierUpgrade: {
    name: "Tier upgrade",
    subject: "{firstName}, you are now {tierName}",
    body: "Hi {firstName},\n\nWelcome to {tierName} at {shopName}. You have {balance} points: {pointsToNextReward} more for {nearestReward}.",
  },
  pointsEarned: {
    name: "Points earned",
    subject: "You earned {points} points",
    body: "Hi {firstName},\n\nYour order earned {points} points at {shopName}. Your balance is {balance} points.",
  },
  rewardUnlocked: {
    name: "Reward unlocked",
    subject: "{firstName}, you can redeem a reward",
    body: "Hi {firstName},\n\nYou have {balance} points at {shopName}: enough for a reward. Redeem it on your next order.",
  },
  welcome: {
    name: "Welcome",
    subject: "Welcome to {shopName} Rewards, {firstName}",
    body: "Hi {firstName},\n\nThanks for joining {shopName} Rewards. You have {balance} points: {pointsToNextReward} more for {nearestReward}.\n\nEvery order earns points.",
  },
  pointsExpiring: {
    name: "Points expiring",
    subject: "{expiringPoints} of your points expire on {expiryDate}",
    body: "Hi {firstName},\n\n{expiringPoints} of your {balance} points at {shopName} expire on {expiryDate}. Use them before then: {nearestReward} is waiting.",
  },
  birthday: {
    name: "Birthday",
    subject: "Happy birthday, {firstName}!",
    body: "Hi {firstName},\n\nHappy birthday from all of us at {shopName}. You have {balance} points to treat yourself with.",
  },
  tierDowngradeWarning: {
    name: "Tier downgrade warning",
    subject: "Keep your {tierName} status, {firstName}",
    body: "Hi {firstName},\n\nYour {tierName} status at {shopName} ends on {tierDropDate}. Spend {amountToKeepTier} before then to keep it.",
  },
  winBack: {
    name: "Win-back",
    subject: "We miss you, {firstName}",
    body: "Hi {firstName},\n\nIt has been a while. Your {balance} points are still waiting at {shopName}: {pointsToNextReward} more for {nearestReward}.",
  },
  almostThere: {
    name: "Almost there",
    subject: "{firstName}, you are almost there",
    body: "Hi {firstName},\n\nJust {pointsToNextReward} more points for {nearestReward} at {shopName}. You have {balance} points.",
  },
};
