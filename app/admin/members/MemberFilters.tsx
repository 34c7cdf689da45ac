import { ChoiceList, TextField, type FilterInterface } from "@shopify/polaris";
import { useEffect, useState } from "react";
import {
  LAST_ORDER_CHOICES,
  NO_TIER,
  RANGE_FILTERS,
  type MemberListParams,
  type RangeFilter,
} from "./list-params";
import { MEMBER_STATUS_LABELS } from "./present";
import { RangeFields } from "./RangeFields";

type Tier = { id: string; name: string };
type Change = (change: Partial<MemberListParams>) => void;

export const LAST_ORDER_LABELS: Record<(typeof LAST_ORDER_CHOICES)[number], string> = {
  "30": "In the last 30 days",
  "90": "In the last 90 days",
  "180": "In the last 180 days",
  "365": "In the last year",
  over90: "More than 90 days ago",
  over180: "More than 180 days ago",
  over365: "More than a year ago",
  never: "Never ordered",
};

const RANGE_LABELS: Record<RangeFilter, string> = {
  spent: "Total spent",
  orders: "Orders",
  averageOrder: "Average order value",
  points: "Available points",
};

const toBound = (text: string) => (text.trim() === "" ? null : Number(text));

/** The list's filters for IndexFilters, and the pills saying which are applied. */
export function memberFilters(opts: {
  params: MemberListParams;
  tiers: Tier[];
  currencySymbol: string;
  tierUnit: string;
  go: Change;
}) {
  const { params, tiers, currencySymbol, go } = opts;
  const tierName = (id: string) =>
    id === NO_TIER ? "No tier" : (tiers.find((t) => t.id === id)?.name ?? id);
  const money = (name: RangeFilter) => name === "spent" || name === "averageOrder";

  const rangeFilters: FilterInterface[] = (Object.keys(RANGE_FILTERS) as RangeFilter[]).map((name) => {
    const keys = RANGE_FILTERS[name];
    return {
      key: name,
      label: RANGE_LABELS[name],
      pinned: name === "spent",
      filter: (
        <RangeFields
          label={RANGE_LABELS[name]}
          prefix={money(name) ? currencySymbol : undefined}
          min={params[keys.min]}
          max={params[keys.max]}
          onChange={(min, max) => go({ [keys.min]: toBound(min), [keys.max]: toBound(max) })}
        />
      ),
    };
  });

  const filters: FilterInterface[] = [
    {
      key: "tier",
      label: "Tier",
      pinned: true,
      filter: (
        <ChoiceList
          title="Tier"
          titleHidden
          choices={[
            ...tiers.map((t) => ({ label: t.name, value: t.id })),
            { label: "No tier", value: NO_TIER },
          ]}
          selected={params.tier ? [params.tier] : []}
          onChange={([tier]) => go({ tier: tier ?? "" })}
        />
      ),
    },
    ...rangeFilters.slice(0, 3),
    {
      key: "lastOrder",
      label: "Last order",
      pinned: true,
      filter: (
        <ChoiceList
          title="Last order"
          titleHidden
          choices={LAST_ORDER_CHOICES.map((value) => ({ value, label: LAST_ORDER_LABELS[value] }))}
          selected={params.lastOrder ? [params.lastOrder] : []}
          onChange={([lastOrder]) => go({ lastOrder: (lastOrder as MemberListParams["lastOrder"]) ?? null })}
        />
      ),
    },
    {
      key: "nextTierWithin",
      label: "Close to next tier",
      filter: (
        <NextTierField
          value={params.nextTierWithin}
          unit={opts.tierUnit}
          onChange={(v) => go({ nextTierWithin: toBound(v) })}
        />
      ),
    },
    ...rangeFilters.slice(3),
    {
      key: "status",
      label: "Status",
      filter: (
        <ChoiceList
          title="Status"
          titleHidden
          choices={Object.entries(MEMBER_STATUS_LABELS).map(([value, s]) => ({ label: s.label, value }))}
          selected={params.status ? [params.status] : []}
          onChange={([status]) => go({ status: (status as MemberListParams["status"]) ?? null })}
        />
      ),
    },
  ];

  const rangePill = (name: RangeFilter) => {
    const keys = RANGE_FILTERS[name];
    const min = params[keys.min];
    const max = params[keys.max];
    if (min === null && max === null) return [];
    const unit = (n: number) => (money(name) ? `${currencySymbol}${n}` : String(n));
    const text =
      min !== null && max !== null
        ? `${unit(min)}–${unit(max)}`
        : min !== null
          ? `≥ ${unit(min)}`
          : `≤ ${unit(max!)}`;
    return [
      {
        key: name,
        label: `${RANGE_LABELS[name]}: ${text}`,
        onRemove: () => go({ [keys.min]: null, [keys.max]: null }),
      },
    ];
  };
  const applied = [
    ...(params.tier
      ? [{ key: "tier", label: `Tier: ${tierName(params.tier)}`, onRemove: () => go({ tier: "" }) }]
      : []),
    ...(Object.keys(RANGE_FILTERS) as RangeFilter[]).flatMap(rangePill),
    ...(params.lastOrder
      ? [
          {
            key: "lastOrder",
            label: `Last order: ${LAST_ORDER_LABELS[params.lastOrder].toLowerCase()}`,
            onRemove: () => go({ lastOrder: null }),
          },
        ]
      : []),
    ...(params.nextTierWithin !== null
      ? [
          {
            key: "nextTierWithin",
            label: `Within ${opts.tierUnit === "money" ? currencySymbol : ""}${params.nextTierWithin}${opts.tierUnit === "money" ? "" : ` ${opts.tierUnit}`} of next tier`,
            onRemove: () => go({ nextTierWithin: null }),
          },
        ]
      : []),
    ...(params.status
      ? [
          {
            key: "status",
            label: `Status: ${MEMBER_STATUS_LABELS[params.status]?.label ?? params.status}`,
            onRemove: () => go({ status: null }),
          },
        ]
      : []),
  ];
  return { filters, applied };
}

function NextTierField(props: { value: number | null; unit: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(props.value === null ? "" : String(props.value));
  useEffect(() => {
    if (text === (props.value === null ? "" : String(props.value))) return;
    const timer = setTimeout(() => props.onChange(text), 600);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <TextField
      label={`At most this far from the next tier (${props.unit === "money" ? "amount" : props.unit})`}
      type="number"
      min={0}
      value={text}
      onChange={setText}
      autoComplete="off"
    />
  );
}
