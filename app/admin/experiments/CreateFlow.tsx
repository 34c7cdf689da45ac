import {
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  InlineGrid,
  InlineStack,
  Layout,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useMemo, useState } from "react";
import { BANDIT_CONTEXT_LABELS, BANDIT_CONTEXTS, isBanditContext } from "~/experiments/contexts";
import type { Lever } from "~/experiments/levers";
import type { MetricKey } from "~/experiments/metric-keys";
import type { Program } from "~/loyalty/program";
import { MESSAGE_KIND_KEYS, MESSAGE_KINDS, type MessageKind } from "~/loyalty/program-messages";
import {
  BANDIT_DEFAULTS,
  CADENCE_OPTIONS,
  spanText,
  prefilledDraft,
  type Prefill,
  liveFields,
  slugify,
  stepOfError,
  STEPS,
  type ExperimentDraft,
  type Step,
} from "./form";
import type { ShopTraffic } from "./plan";
import { PowerCard } from "./PowerCard";
import { LONG_TERM_EXPLANATION } from "./present";
import { ReviewCard } from "./ReviewCard";
import { previewVariants } from "./preview";
import { VariantCard } from "./VariantCard";
import { VariantPreviewCard } from "./VariantPreviewCard";

// The create flow in one page, step by step: lever → variants (each override as fields for
// the lever, with a side-by-side preview of what a typical member earns) → audience and
// traffic → metrics and guardrails → power → review. The server's 422 field errors (the
// domain's dotted paths) are put on their fields and the first one's step is opened.

const STEP_LABELS: Record<Step, string> = {
  lever: "1. Lever",
  variants: "2. Variants",
  audience: "3. Audience & split",
  metrics: "4. Metrics",
  power: "5. Power",
  review: "6. Review",
};

const count = new Intl.NumberFormat("en-US");

export type CreateProps = {
  program: Program;
  currency: string;
  /** The shop's name and time zone, for the messages the preview renders. */
  shopName: string;
  timeZone: string | null;
  traffic: ShopTraffic;
  /** The shop's saved segments with their members now, for the audience step. */
  segments: { id: string; name: string; matching: number }[];
  levers: { key: Lever; label: string }[];
  metrics: { key: MetricKey; label: string }[];
  errors: Record<string, string>;
  message: string | null;
  submitting: boolean;
  submit: (intent: "draft" | "launch", draft: ExperimentDraft) => void;
  /** From a link elsewhere (the program pages' "test it as an experiment"): lever and treatment. */
  prefill?: Prefill | null;
};

export function CreateFlow(props: CreateProps) {
  const { program, errors } = props;
  const [draft, setDraft] = useState<ExperimentDraft>(() => prefilledDraft(program, props.prefill));
  const [keyTouched, setKeyTouched] = useState(false);
  const [step, setStep] = useState<Step>("lever");
  const [shownErrors, setShownErrors] = useState<Record<string, string> | null>(null);
  // A new set of server errors opens the step of the first one.
  if (errors !== shownErrors) {
    setShownErrors(errors);
    const first = Object.keys(errors)[0];
    if (first) setStep(stepOfError(first));
  }
  const edit = (change: (d: ExperimentDraft) => void) =>
    setDraft((current) => {
      const next = structuredClone(current);
      change(next);
      return next;
    });
  const typical = props.traffic.typicalOrderMinor > 0 ? props.traffic.typicalOrderMinor : 5000;
  const { shopName, timeZone } = props;
  const previews = useMemo(
    () => previewVariants(draft, program, typical, { shopName, timeZone, now: new Date() }),
    [draft, program, typical, shopName, timeZone],
  );
  const index = STEPS.indexOf(step);
  const errorCount = (s: Step) => Object.keys(errors).filter((k) => stepOfError(k) === s).length;
  const metricOptions = props.metrics.map((m) => ({ label: m.label, value: m.key }));
  const weights = draft.variants.map((v) => Number(v.weight) || 0);

  const stepBody: Record<Step, () => React.ReactNode> = {
    lever: () => (
      <Card>
        <BlockStack gap="300">
          <TextField
            label="Name"
            autoComplete="off"
            value={draft.name}
            onChange={(v) =>
              edit((d) => {
                d.name = v;
                if (!keyTouched) d.key = slugify(v);
              })
            }
            error={errors.name}
          />
          <TextField
            label="Key"
            autoComplete="off"
            value={draft.key}
            onChange={(v) => {
              setKeyTouched(true);
              edit((d) => void (d.key = v));
            }}
            error={errors.key}
            helpText="Names the experiment on ledger entries: lower-case letters, digits and dashes."
          />
          <TextField
            label="Hypothesis"
            autoComplete="off"
            multiline={2}
            value={draft.hypothesis}
            onChange={(v) => edit((d) => void (d.hypothesis = v))}
            error={errors.hypothesis}
            placeholder="Doubling points on orders makes members come back sooner, enough to pay for the points."
          />
          <ChoiceList
            title="Lever: what the variants change"
            choices={props.levers.map((l) => ({ label: l.label, value: l.key }))}
            selected={[draft.lever]}
            error={errors.lever}
            onChange={([value]) =>
              edit((d) => {
                d.lever = (value ?? "earnRate") as Lever;
                for (const v of d.variants) v.fields = liveFields(program);
              })
            }
          />
        </BlockStack>
      </Card>
    ),
    variants: () => (
      <BlockStack gap="400">
        {errors.variants && <Banner tone="critical">{errors.variants}</Banner>}
        {draft.lever === "messages" && (
          <Card>
            <Select
              label="Message the variants change"
              options={MESSAGE_KIND_KEYS.map((k) => ({ label: MESSAGE_KINDS[k].label, value: k }))}
              value={draft.messageKind}
              onChange={(v) => edit((d) => void (d.messageKind = v as MessageKind))}
              helpText="Each variant may change any message; the fields and the preview show this one. Members are exposed when the first message a campaign would send them goes out (or is skipped, in the holdout)."
            />
          </Card>
        )}
        <InlineGrid columns={{ xs: 1, md: Math.min(draft.variants.length, 3) }} gap="400">
          {draft.variants.map((v, i) => (
            <VariantCard
              key={i}
              index={i}
              variant={v}
              draft={draft}
              program={program}
              errors={errors}
              canRemove={draft.variants.length > 2 && !v.control}
              edit={(change) => edit((d) => change(d.variants[i]!))}
              remove={() => edit((d) => void d.variants.splice(i, 1))}
              markControl={() => edit((d) => d.variants.forEach((x, j) => (x.control = j === i)))}
            />
          ))}
        </InlineGrid>
        {draft.variants.length < 6 && (
          <InlineStack>
            <Button
              onClick={() =>
                edit((d) =>
                  d.variants.push({
                    key: `variant-${d.variants.length}`,
                    name: `Variant ${String.fromCharCode(64 + d.variants.length)}`,
                    weight: "0",
                    control: false,
                    fields: liveFields(program),
                  }),
                )
              }
            >
              Add a variant
            </Button>
          </InlineStack>
        )}
        <VariantPreviewCard
          previews={previews}
          typicalOrderMinor={typical}
          averageOrderDays={props.traffic.typicalOrderMinor > 0 ? props.traffic.joinDays : null}
          currency={props.currency}
          messageKind={draft.lever === "messages" ? draft.messageKind : null}
        />
      </BlockStack>
    ),
    audience: () => (
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="300">
            <ChoiceList
              title="Who takes part"
              choices={[
                { label: "All members", value: "all" },
                { label: "New members (joined after launch)", value: "newMembers" },
                { label: "Members of a tier", value: "tier", disabled: !program.tiers.levels.length },
                { label: "Customers with a tag", value: "tags" },
                { label: "A saved segment", value: "segment", disabled: !props.segments.length },
              ]}
              selected={[draft.audienceKind]}
              onChange={([v]) =>
                edit((d) => void (d.audienceKind = (v ?? "all") as ExperimentDraft["audienceKind"]))
              }
              error={errors.audience}
            />
            {draft.audienceKind === "tier" && (
              <Select
                label="Tier"
                options={program.tiers.levels.map((l) => ({ label: l.name, value: l.id }))}
                value={draft.audienceTierId}
                onChange={(v) => edit((d) => void (d.audienceTierId = v))}
                error={errors["audience.tierId"]}
              />
            )}
            {draft.audienceKind === "tags" && (
              <TextField
                label="Customer tags"
                autoComplete="off"
                value={draft.audienceTags}
                onChange={(v) => edit((d) => void (d.audienceTags = v))}
                helpText="Separate tags with commas; a customer with any of them takes part."
                error={errors["audience.tags"]}
              />
            )}
            {draft.audienceKind === "segment" && (
              <Select
                label="Saved segment"
                placeholder="Choose a segment"
                options={props.segments.map((s) => ({
                  label: `${s.name} (${count.format(s.matching)} members now)`,
                  value: s.id,
                }))}
                value={draft.audienceSegmentId}
                onChange={(v) => edit((d) => void (d.audienceSegmentId = v))}
                error={errors["audience.segmentId"]}
                helpText="Members in the segment when the experiment launches take part, and stay in it if their scores later move them out; members who enter the segment afterwards do not join, since the experiment itself may have moved them."
              />
            )}
            <TextField
              label="Traffic"
              type="number"
              suffix="%"
              autoComplete="off"
              value={draft.trafficPercent}
              onChange={(v) => edit((d) => void (d.trafficPercent = v))}
              error={errors.trafficPercent}
              helpText="Share of the lever's members in this experiment; the rest is left for other experiments on the same lever, which never overlap."
            />
          </BlockStack>
        </Card>
        <AllocationCard draft={draft} errors={errors} edit={edit} />
      </BlockStack>
    ),
    metrics: () => (
      <Card>
        <BlockStack gap="300">
          <Select
            label="Primary metric"
            options={metricOptions}
            value={draft.primaryMetric}
            onChange={(v) => edit((d) => void (d.primaryMetric = v as MetricKey))}
            error={errors.primaryMetric}
            helpText={
              draft.primaryMetric === "longTermValue"
                ? `The decision to ship is made on this metric. ${LONG_TERM_EXPLANATION}`
                : "The decision to ship is made on this metric."
            }
          />
          <ChoiceList
            allowMultiple
            title="Secondary metrics"
            choices={metricOptions.filter((m) => m.value !== draft.primaryMetric)}
            selected={draft.secondaryMetrics}
            onChange={(v) => edit((d) => void (d.secondaryMetrics = v as MetricKey[]))}
            error={errors.secondaryMetrics}
          />
          <Text as="h3" variant="headingSm">
            Guardrails
          </Text>
          {draft.guardrails.map((g, i) => (
            <InlineGrid key={i} columns={["twoThirds", "oneThird"]} gap="200">
              <Select
                label="Metric"
                options={metricOptions}
                value={g.metric}
                onChange={(v) => edit((d) => void (d.guardrails[i]!.metric = v as MetricKey))}
                error={errors[`guardrails.${i}.metric`]}
              />
              <TextField
                label="May fall by at most"
                type="number"
                suffix="%"
                autoComplete="off"
                value={g.thresholdPercent}
                onChange={(v) => edit((d) => void (d.guardrails[i]!.thresholdPercent = v))}
                error={errors[`guardrails.${i}.threshold`]}
                connectedRight={
                  <Button onClick={() => edit((d) => void d.guardrails.splice(i, 1))}>Remove</Button>
                }
              />
            </InlineGrid>
          ))}
          <InlineStack>
            <Button
              onClick={() =>
                edit((d) => void d.guardrails.push({ metric: "netRevenue", thresholdPercent: "5" }))
              }
            >
              Add a guardrail
            </Button>
          </InlineStack>
          <TextField
            label="Gross margin on revenue"
            type="number"
            suffix="%"
            autoComplete="off"
            value={draft.grossMarginPercent}
            onChange={(v) => edit((d) => void (d.grossMarginPercent = v))}
            error={errors.grossMarginPercent}
            helpText="Used for net incremental margin and long-term value where product costs are unknown."
          />
        </BlockStack>
      </Card>
    ),
    power: () => (
      <PowerCard
        traffic={props.traffic}
        weights={weights}
        trafficPercent={Math.min(100, Math.max(1, Number(draft.trafficPercent) || 100))}
        currency={props.currency}
      />
    ),
    review: () => (
      <ReviewCard
        draft={draft}
        program={program}
        segmentName={props.segments.find((s) => s.id === draft.audienceSegmentId)?.name ?? null}
        metrics={props.metrics}
        submitting={props.submitting}
        submit={props.submit}
      />
    ),
  };

  return (
    <Layout>
      {props.message && (
        <Layout.Section>
          <Banner tone="critical" title={props.message}>
            {Object.keys(errors).length > 0 && <p>Each field that needs a fix is marked in its step.</p>}
          </Banner>
        </Layout.Section>
      )}
      <Layout.Section>
        <BlockStack gap="400">
          <Card padding="0">
            <Tabs
              tabs={STEPS.map((s) => ({
                id: s,
                content: errorCount(s) ? `${STEP_LABELS[s]} (${errorCount(s)} to fix)` : STEP_LABELS[s],
              }))}
              selected={index}
              onSelect={(i) => setStep(STEPS[i]!)}
            />
          </Card>
          {stepBody[step]()}
          <InlineStack align="space-between">
            <Button disabled={index === 0} onClick={() => setStep(STEPS[index - 1]!)}>
              Back
            </Button>
            {index < STEPS.length - 1 && (
              <Button variant="primary" onClick={() => setStep(STEPS[index + 1]!)}>
                {`Next: ${STEP_LABELS[STEPS[index + 1]!].replace(/^\d\. /, "")}`}
              </Button>
            )}
          </InlineStack>
        </BlockStack>
      </Layout.Section>
    </Layout>
  );
}

/** Fixed split or bandit, with the bandit's settings (422s from definition.ts on their fields). */
function AllocationCard(props: {
  draft: ExperimentDraft;
  errors: Record<string, string>;
  edit: (change: (d: ExperimentDraft) => void) => void;
}) {
  const { draft, errors, edit } = props;
  const bandit = draft.bandit;
  const cadence = Number(bandit.cadenceMinutes) || 60;
  const burnIn = Number(bandit.burnInPeriods);
  const set = (field: keyof ExperimentDraft["bandit"]) => (value: string) =>
    edit((d) => void (d.bandit[field] = value));
  return (
    <Card>
      <BlockStack gap="300">
        <div data-testid="allocation-choice">
          <ChoiceList
            title="How traffic is split between the variants"
            choices={[
              {
                label: "Fixed split",
                value: "fixed",
                helpText:
                  "Each variant keeps its weight until you stop the experiment. The clearest read of the result.",
              },
              {
                label: "Bandit (moves traffic to the better arm)",
                value: "bandit",
                helpText:
                  "Starts at equal shares, then regularly gives more new members to the variant that is doing best on the primary metric, so fewer members get a losing variant while it learns.",
              },
            ]}
            selected={[draft.allocation]}
            onChange={([v]) => edit((d) => void (d.allocation = v === "bandit" ? "bandit" : "fixed"))}
            error={errors.bandit}
          />
        </div>
        {draft.allocation === "bandit" && (
          <BlockStack gap="300">
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
              <Select
                label="Update the split"
                options={CADENCE_OPTIONS}
                value={bandit.cadenceMinutes}
                onChange={set("cadenceMinutes")}
                error={errors["bandit.cadenceMinutes"]}
                helpText="How often the bandit looks at the results and changes the shares."
              />
              <TextField
                label="Burn-in"
                type="number"
                suffix="updates"
                autoComplete="off"
                value={bandit.burnInPeriods}
                onChange={set("burnInPeriods")}
                error={errors["bandit.burnInPeriods"]}
                helpText={`Updates at equal shares before the results may move traffic${
                  Number.isFinite(burnIn) && burnIn > 0 ? ` (${spanText(burnIn * cadence)})` : ""
                }, so an early lucky streak cannot decide.`}
              />
              <TextField
                label="Minimum share per variant"
                type="number"
                suffix="%"
                autoComplete="off"
                value={bandit.minSharePercent}
                onChange={set("minSharePercent")}
                error={errors["bandit.minSharePercent"]}
                helpText="Every variant keeps at least this share, so a losing one is still measured in case things change."
              />
              <TextField
                label="Largest change per update"
                type="number"
                suffix="points"
                autoComplete="off"
                value={bandit.maxChangePercent}
                onChange={set("maxChangePercent")}
                error={errors["bandit.maxChangePercent"]}
                helpText="No variant's share moves by more than this many percentage points in one update."
              />
            </InlineGrid>
            <div data-testid="bandit-context">
              <Select
                label="Allocate by segment"
                options={[
                  { label: "No: one split for everyone", value: "" },
                  ...BANDIT_CONTEXTS.map((c) => ({ label: BANDIT_CONTEXT_LABELS[c].label, value: c })),
                ]}
                value={bandit.context ?? ""}
                onChange={set("context")}
                error={errors["bandit.context"]}
                helpText={
                  isBanditContext(bandit.context)
                    ? `${BANDIT_CONTEXT_LABELS[bandit.context].helpText} A segment gets its own split once it has enough members; its results are pulled toward the overall ones, more so the smaller it is.`
                    : "Optionally let the best variant differ by segment: each segment with enough members gets its own split."
                }
              />
            </div>
            <InlineStack>
              <Button variant="plain" onClick={() => edit((d) => void (d.bandit = { ...BANDIT_DEFAULTS }))}>
                Reset to the defaults
              </Button>
            </InlineStack>
            <Text as="p" variant="bodySm" tone="subdued">
              A bandit needs a per-member primary metric (net revenue, orders, conversion, …; not average
              order value) and ignores the variants' weights. Members keep the variant they were first given.
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
