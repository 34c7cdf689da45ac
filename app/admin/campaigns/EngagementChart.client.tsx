import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

// Messages sent, and the sends first opened or clicked by a person, per shop-local day, with
// the bot-flagged events beside them. polaris-viz reads `window` while rendering: this module
// loads in the browser only (CampaignReport lazy-loads it).

export type DailyEngagement = {
  day: string;
  sent: number;
  humanOpens: number;
  humanClicks: number;
  botEvents: number;
};

const label = (day: string) =>
  new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }).format(
    new Date(`${day}T00:00:00Z`),
  );

export default function EngagementChart({ daily }: { daily: DailyEngagement[] }) {
  const bars = (name: string, color: string, value: (d: DailyEngagement) => number) => ({
    name,
    color,
    data: daily.map((d) => ({ key: label(d.day), value: value(d) })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }} data-testid="engagement-chart">
        <BarChart
          theme="Light"
          data={[
            bars("Sent", "#2c6ecb", (d) => d.sent),
            bars("Opened (people)", "#008060", (d) => d.humanOpens),
            bars("Clicked (people)", "#8a3ffc", (d) => d.humanClicks),
            bars("Bot-flagged events", "#8c9196", (d) => d.botEvents),
          ]}
          showLegend
        />
      </div>
    </PolarisVizProvider>
  );
}
