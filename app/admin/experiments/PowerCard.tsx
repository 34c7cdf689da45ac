import { BlockStack, Card, DataTable, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";
import { formatMoney } from "~/admin/members/present";
import type { Design } from "~/experiments/stats/power";
import { durationFor, horizonBaseline, mdeTable, shareOf, trafficProblem, type ShopTraffic } from "./plan";
import { formatMde } from "./present";

/**
 * The power and minimum-detectable-effect calculator: from the shop's own traffic (members
 * are exposed at assignment: the members at launch at once, then those joining each day) and
 * variance (net revenue per member over each horizon, across all members, zeros included),
 * the smallest lift each horizon can detect with 80% power, and how long the lift the
 * merchant hopes for takes to detect. Weights are the draft's; the experiment's traffic share
 * scales the members.
 */
export function PowerCard(props: {
  traffic: ShopTraffic;
  weights: number[];
  trafficPercent: number;
  currency: string;
}) {
  const [target, setTarget] = useState("5");
  const [design, setDesign] = useState<Design>("sequential");
  const traffic = useMemo(
    () => shareOf(props.traffic, props.trafficPercent),
    [props.traffic, props.trafficPercent],
  );
  const problem = trafficProblem(props.traffic);
  const weightsOk = props.weights.length >= 2 && props.weights.every((w) => w > 0);
  const rows = problem || !weightsOk ? [] : mdeTable(traffic, props.weights, design);
  const targetLift = Number(target);
  const duration =
    problem || !weightsOk || !(targetLift > 0)
      ? null
      : durationFor(traffic, props.weights, targetLift, design);
  const month = horizonBaseline(props.traffic, 28);
  const sd = Math.sqrt(month?.varianceMinor ?? 0);
  const inShare =
    props.trafficPercent < 100
      ? ` (${Math.round(traffic.members).toLocaleString("en-US")} in this experiment's ${props.trafficPercent}%)`
      : "";
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Power and minimum detectable effect
        </Text>
        <div data-testid="traffic-basis">
          <Text as="p" tone="subdued">
            Every member in the audience is counted from launch, or from the day they join, whether they buy
            or not. You have {props.traffic.members.toLocaleString("en-US")} members{inShare}, and{" "}
            {props.traffic.dailyJoined.toFixed(1)} joined a day over the last {props.traffic.joinDays} days.
            Over the last {month?.days ?? 28} days a member spent{" "}
            {formatMoney(Math.round(month?.meanMinor ?? 0), props.currency)} on average, non-buyers included
            (standard deviation {formatMoney(Math.round(sd), props.currency)}); each horizon below uses the
            same figures over that many past days. Calculated on net revenue per member, 80% power, 5% false
            positives.
          </Text>
        </div>
        {problem ? (
          <Text as="p" tone="caution">
            {problem}
          </Text>
        ) : !weightsOk ? (
          <Text as="p" tone="caution">
            Give every variant a positive weight to plan.
          </Text>
        ) : (
          <>
            <Select
              label="Analysis"
              options={[
                { label: "Sequential: look at it any day", value: "sequential" },
                { label: "Fixed horizon: look only at the end", value: "fixed" },
              ]}
              value={design}
              onChange={(v) => setDesign(v as Design)}
            />
            <DataTable
              columnContentTypes={["text", "numeric", "numeric"]}
              headings={["Running for", "Members per arm (smallest)", "Smallest detectable lift"]}
              rows={rows.map((r) => [
                `${r.days} days`,
                Math.floor(
                  ((traffic.members + traffic.dailyJoined * r.days) * Math.min(...props.weights)) /
                    props.weights.reduce((a, b) => a + b, 0),
                ).toLocaleString("en-US"),
                r.mde === null ? (r.reason ?? "—") : formatMde(r.mde),
              ])}
            />
            <InlineStack gap="300" blockAlign="end">
              <div style={{ maxWidth: 200 }}>
                <TextField
                  label="Lift you hope to detect"
                  type="number"
                  suffix="%"
                  autoComplete="off"
                  value={target}
                  onChange={setTarget}
                />
              </div>
              <div data-testid="duration">
                <Text as="p" variant="headingSm">
                  {duration === null
                    ? "Enter a positive lift."
                    : duration.ok
                      ? `About ${duration.days} days to detect a ${targetLift}% lift.`
                      : `Not detectable: ${duration.reason}.`}
                </Text>
              </div>
            </InlineStack>
          </>
        )}
      </BlockStack>
    </Card>
  );
}
