import {
  Badge,
  BlockStack,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  InlineStack,
  Link,
  Text,
  useIndexResourceState,
  type IndexFiltersProps,
  type IndexTableProps,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { listParamsToSearch, NO_FILTERS, type MemberListParams, type MemberSort } from "./list-params";
import { memberFilters } from "./MemberFilters";
import type { MemberPage, MemberRow } from "./members.server";
import {
  formatDay,
  formatMemberCount,
  formatMoney,
  formatPoints,
  formatTierValue,
  MEMBER_STATUS_LABELS,
} from "./present";
import { shopifyAdminUrl } from "./admin-links";

type Tier = { id: string; name: string; threshold: number };
/** A new search, filter, sort or view starts at the top of the list. */
const FIRST_PAGE = { after: null, before: null };
export type BulkSelection =
  { kind: "ids"; ids: string[] } | { kind: "filter"; count: number; estimated: boolean };

// Column index → sort key (null: not sortable). Keep in step with the headings below.
const SORTABLE: Array<MemberSort | null> = [
  null,
  "tierValue",
  "spent",
  "orders",
  "averageOrder",
  "lastOrder",
  "points",
  "joined",
];

const SORT_OPTIONS: IndexFiltersProps["sortOptions"] = (
  [
    ["spent", "Total spent", "Lowest", "Highest"],
    ["orders", "Orders", "Fewest", "Most"],
    ["averageOrder", "Average order value", "Lowest", "Highest"],
    ["lastOrder", "Last order", "Oldest", "Newest"],
    ["points", "Available points", "Fewest", "Most"],
    ["lifetime", "Lifetime points", "Fewest", "Most"],
    ["tierValue", "Tier qualifying value", "Lowest", "Highest"],
    ["joined", "Joined", "Oldest", "Newest"],
    ["lastActivity", "Last activity", "Oldest", "Newest"],
  ] as const
).flatMap(([value, label, asc, desc]) => [
  { label, value: `${value} asc` as const, directionLabel: asc },
  { label, value: `${value} desc` as const, directionLabel: desc },
]);

// Views a loyalty manager reaches for first; each is a filter and a sort.
const VIEWS: Array<{ name: string; params: Partial<MemberListParams> }> = [
  { name: "All", params: {} },
  { name: "Top spenders", params: { sort: "spent", direction: "desc" } },
  { name: "Lapsed 90 days", params: { lastOrder: "over90", sort: "spent", direction: "desc" } },
  { name: "Never ordered", params: { lastOrder: "never", sort: "joined", direction: "desc" } },
];

export function MembersTable(props: {
  page: MemberPage;
  params: MemberListParams;
  tiers: Tier[];
  tierBasis: "spend" | "points" | "orders";
  currency: string;
  timeZone: string | null;
  navigate: (search: string) => void;
  onAdjust: (selection: BulkSelection) => void;
}) {
  const { page, params, tiers, currency, navigate } = props;
  const program = { tiers: { basis: props.tierBasis }, currency } as Parameters<typeof formatTierValue>[1];
  const [query, setQuery] = useState(params.query);
  // A link or reload with a search or filters opens with them showing.
  const filtered =
    listParamsToSearch({ ...params, sort: undefined, direction: undefined, ...FIRST_PAGE }) !== "";
  const [mode, setMode] = useState(filtered ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);
  const go = (change: Partial<MemberListParams>) =>
    navigate(listParamsToSearch({ ...params, ...FIRST_PAGE, ...change }));
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(page.rows.map((r) => ({ id: r.customerId })));
  useEffect(() => clearSelection(), [page]);

  // Search as the merchant types, once they pause.
  useEffect(() => {
    if (query === params.query) return;
    const timer = setTimeout(() => go({ query }), 350);
    return () => clearTimeout(timer);
  }, [query]);

  const currencySymbol = formatMoney(0, currency).replace(/[\d.,\s]/g, "");
  const { filters, applied } = memberFilters({
    params,
    tiers,
    currencySymbol,
    tierUnit: props.tierBasis === "spend" ? "money" : props.tierBasis,
    go,
  });
  const tierName = (id: string | null) => (id ? (tiers.find((t) => t.id === id)?.name ?? id) : "No tier");
  const viewIndex = VIEWS.findIndex(
    (v) =>
      listParamsToSearch({ ...NO_FILTERS, ...v.params }) === listParamsToSearch({ ...params, ...FIRST_PAGE }),
  );
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const sort = SORTABLE[index];
    if (sort) go({ sort, direction: direction === "ascending" ? "asc" : "desc" });
  };
  const selectedCount = allResourcesSelected ? page.total : selectedResources.length;

  return (
    <>
      <IndexFilters
        tabs={VIEWS.map((v, i) => ({ id: `view-${i}`, content: v.name, onAction: () => undefined }))}
        selected={viewIndex === -1 ? 0 : viewIndex}
        onSelect={(i) => navigate(listParamsToSearch({ ...NO_FILTERS, ...VIEWS[i]!.params }))}
        canCreateNewView={false}
        sortOptions={SORT_OPTIONS}
        sortSelected={[`${params.sort} ${params.direction}`]}
        onSort={([value]) => {
          const [sort, direction] = (value ?? "points desc").split(" ") as [MemberSort, "asc" | "desc"];
          go({ sort, direction });
        }}
        queryValue={query}
        queryPlaceholder="Search by name or email"
        onQueryChange={setQuery}
        onQueryClear={() => {
          setQuery("");
          go({ query: "" });
        }}
        filters={filters}
        appliedFilters={applied}
        onClearAll={() => {
          setQuery("");
          go({ ...NO_FILTERS });
        }}
        mode={mode}
        setMode={setMode}
      />
      <IndexTable
        resourceName={{ singular: "member", plural: "members" }}
        itemCount={page.rows.length}
        selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
        onSelectionChange={handleSelectionChange}
        hasMoreItems={page.total > page.rows.length}
        promotedBulkActions={[
          {
            content: `Adjust points for ${formatMemberCount(selectedCount, allResourcesSelected && page.totalEstimated)}`,
            onAction: () =>
              props.onAdjust(
                allResourcesSelected
                  ? { kind: "filter", count: page.total, estimated: page.totalEstimated }
                  : { kind: "ids", ids: selectedResources },
              ),
          },
        ]}
        sortable={SORTABLE.map(Boolean)}
        sortColumnIndex={SORTABLE.indexOf(params.sort)}
        sortDirection={params.direction === "asc" ? "ascending" : "descending"}
        onSort={onSort}
        emptyState={
          <Text as="p" tone="subdued" alignment="center">
            No members match. Try another search or clear the filters.
          </Text>
        }
        headings={[
          { title: "Member" },
          { title: "Tier" },
          { title: "Total spent", alignment: "end" },
          { title: "Orders", alignment: "end" },
          { title: "Avg. order", alignment: "end" },
          { title: "Last order" },
          { title: "Points", alignment: "end" },
          { title: "Joined" },
        ]}
        // As Shopify's own lists: the next and previous pages, each a cursor in the URL.
        pagination={{
          hasPrevious: page.previous !== null,
          hasNext: page.next !== null,
          onPrevious: () => navigate(listParamsToSearch({ ...params, after: null, before: page.previous })),
          onNext: () => navigate(listParamsToSearch({ ...params, after: page.next, before: null })),
          label: formatMemberCount(page.total, page.totalEstimated),
        }}
      >
        {page.rows.map((m, index) => (
          <MemberRowView
            key={m.customerId}
            m={m}
            index={index}
            selected={selectedResources.includes(m.customerId)}
            tierName={tierName}
            tierValue={(v) => formatTierValue(v, program)}
            currency={currency}
            timeZone={props.timeZone}
          />
        ))}
      </IndexTable>
    </>
  );
}

function MemberRowView(props: {
  m: MemberRow;
  index: number;
  selected: boolean;
  tierName: (id: string | null) => string;
  tierValue: (v: number) => string;
  currency: string;
  timeZone: string | null;
}) {
  const { m } = props;
  const status = MEMBER_STATUS_LABELS[m.status];
  const money = (minor: number) => formatMoney(minor, props.currency);
  return (
    <IndexTable.Row id={m.customerId} position={props.index} selected={props.selected}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            <Link url={`/app/members/${m.customerId}`} removeUnderline dataPrimaryLink>
              <Text as="span" fontWeight="semibold">
                {m.name ?? m.email ?? `Customer ${m.customerId}`}
              </Text>
            </Link>
            {m.status !== "active" && <Badge tone={status?.tone}>{status?.label ?? m.status}</Badge>}
          </InlineStack>
          <Text as="span" tone="subdued">
            {m.name && m.email ? `${m.email} · ` : ""}
            <Link url={shopifyAdminUrl("customers", m.customerId)} target="_top" monochrome>
              Customer in Shopify
            </Link>
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span">
            {props.tierName(m.tierId)}
            <Text as="span" tone="subdued">{` · ${props.tierValue(m.tierValue)}`}</Text>
          </Text>
          <Text as="span" tone="subdued" variant="bodySm">
            {m.nextTierId
              ? `${props.tierValue(m.tierRemaining)} to ${props.tierName(m.nextTierId)}`
              : "Top tier"}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {money(m.spentMinor)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {m.ordersCount.toLocaleString("en-US")}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {m.ordersCount ? money(m.averageOrderMinor) : "—"}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {m.lastOrderId ? (
          <BlockStack gap="050">
            <Text as="span">{formatDay(m.lastOrderAt, props.timeZone)}</Text>
            <Link url={shopifyAdminUrl("orders", m.lastOrderId)} target="_top" monochrome>
              {m.lastOrderName ?? `Order ${m.lastOrderId}`}
            </Link>
          </BlockStack>
        ) : (
          <Text as="span" tone="subdued">
            No orders
          </Text>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {formatPoints(m.availablePoints)}
        </Text>
        {m.pendingPoints > 0 && (
          <Text as="p" alignment="end" tone="subdued" variant="bodySm">
            +{m.pendingPoints.toLocaleString("en-US")} pending
          </Text>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDay(m.joinedAt, props.timeZone)}</IndexTable.Cell>
    </IndexTable.Row>
  );
}
