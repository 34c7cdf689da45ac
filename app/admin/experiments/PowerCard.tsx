import { BlockStack, Card, DataTable, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";
import { formatMoney } from "~/admin/members/present";
import type { Design } from "~/experiments/stats/power";
import { durationFor, mdeTable, trafficProblem, type ShopTraffic } from "./plan";
import { formatMde } from "./present";

/**
 * The power and minimum-detectable-effect calculator: from the shop's own traffic (members
 * ordering per day, as exposure starts at a member's first order) and variance (net revenue
 * per member), the smallest lift each horizon can detect with 80% power, and how long the
 * lift the merchant hopes for takes to detect. Weights are the draft's; the experiment's
 * traffic share scales the daily members.
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
    () => ({ ...props.traffic, dailyExposed: (props.traffic.dailyExposed * props.trafficPercent) / 100 }),
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
  const sd = Math.sqrt(props.traffic.varianceMinor);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Power and minimum detectable effect
        </Text>
        <div data-testid="traffic-basis">
          <Text as="p" tone="subdued">
            From your last {props.traffic.days} days:{" "}
            {props.traffic.orderingCustomers.toLocaleString("en-US")} customers ordered (
            {props.traffic.dailyExposed.toFixed(1)} a day
            {props.trafficPercent < 100
              ? `, ${traffic.dailyExposed.toFixed(1)} in this experiment's ${props.trafficPercent}%`
              : ""}
            ), spending {formatMoney(Math.round(props.traffic.meanMinor), props.currency)} on average
            (standard deviation {formatMoney(Math.round(sd), props.currency)}). Calculated on net revenue per
            member, 80% power, 5% false positives.
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
                  (traffic.dailyExposed * r.days * Math.min(...props.weights)) /
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
