import { Badge, ChoiceList, Filters, IndexTable, Link, Text } from "@shopify/polaris";
import type { IndexTableProps } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { listParamsToSearch, NO_TIER, type MemberListParams, type MemberSort } from "./list-params";
import type { MemberPage } from "./members.server";
import { formatDay, formatPoints, MEMBER_STATUS_LABELS } from "./present";

type Tier = { id: string; name: string };

// Column index → sort key; the other columns are not sortable.
const SORTABLE: Array<MemberSort | null> = [null, null, null, "points", "lifetime", "lastActivity", "joined"];

export function MembersTable(props: {
  page: MemberPage;
  params: MemberListParams;
  tiers: Tier[];
  timeZone: string | null;
  navigate: (search: string) => void;
}) {
  const { page, params, tiers, navigate } = props;
  const [query, setQuery] = useState(params.query);
  const go = (change: Partial<MemberListParams>) =>
    navigate(listParamsToSearch({ ...params, page: 1, ...change }));

  // Search as the merchant types, once they pause.
  useEffect(() => {
    if (query === params.query) return;
    const timer = setTimeout(() => go({ query }), 350);
    return () => clearTimeout(timer);
  }, [query]);

  const tierName = (id: string | null) => (id ? (tiers.find((t) => t.id === id)?.name ?? id) : "No tier");
  const statusLabel = (s: string) => MEMBER_STATUS_LABELS[s]?.label ?? s;
  const applied = [
    ...(params.tier
      ? [
          {
            key: "tier",
            label: `Tier: ${params.tier === NO_TIER ? "No tier" : tierName(params.tier)}`,
            onRemove: () => go({ tier: "" }),
          },
        ]
      : []),
    ...(params.status
      ? [
          {
            key: "status",
            label: `Status: ${statusLabel(params.status)}`,
            onRemove: () => go({ status: null }),
          },
        ]
      : []),
  ];
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const sort = SORTABLE[index];
    if (sort) go({ sort, direction: direction === "ascending" ? "asc" : "desc" });
  };

  return (
    <>
      <Filters
        queryValue={query}
        queryPlaceholder="Search by name or email"
        onQueryChange={setQuery}
        onQueryClear={() => {
          setQuery("");
          go({ query: "" });
        }}
        onClearAll={() => {
          setQuery("");
          go({ query: "", tier: "", status: null });
        }}
        appliedFilters={applied}
        filters={[
          {
            key: "tier",
            label: "Tier",
            shortcut: true,
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
          {
            key: "status",
            label: "Status",
            shortcut: true,
            filter: (
              <ChoiceList
                title="Status"
                titleHidden
                choices={Object.entries(MEMBER_STATUS_LABELS).map(([value, s]) => ({
                  label: s.label,
                  value,
                }))}
                selected={params.status ? [params.status] : []}
                onChange={([status]) => go({ status: (status as MemberListParams["status"]) ?? null })}
              />
            ),
          },
        ]}
      />
      <IndexTable
        resourceName={{ singular: "member", plural: "members" }}
        itemCount={page.rows.length}
        selectable={false}
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
          { title: "Customer" },
          { title: "Tier" },
          { title: "Status" },
          { title: "Available", alignment: "end" },
          { title: "Lifetime", alignment: "end" },
          { title: "Last activity" },
          { title: "Joined" },
        ]}
        pagination={{
          hasPrevious: page.page > 1,
          hasNext: page.page < page.pageCount,
          onPrevious: () => go({ page: page.page - 1 }),
          onNext: () => go({ page: page.page + 1 }),
          label: `Page ${page.page} of ${page.pageCount} · ${page.total.toLocaleString("en-US")} members`,
        }}
      >
        {page.rows.map((m, index) => {
          const status = MEMBER_STATUS_LABELS[m.status];
          return (
            <IndexTable.Row id={m.customerId} key={m.customerId} position={index}>
              <IndexTable.Cell>
                <Link url={`/app/members/${m.customerId}`} removeUnderline dataPrimaryLink>
                  <Text as="span" fontWeight="semibold">
                    {m.name ?? m.email ?? `Customer ${m.customerId}`}
                  </Text>
                </Link>
                {m.name && m.email && (
                  <Text as="p" tone="subdued">
                    {m.email}
                  </Text>
                )}
              </IndexTable.Cell>
              <IndexTable.Cell>{tierName(m.tierId)}</IndexTable.Cell>
              <IndexTable.Cell>
                <Badge tone={status?.tone}>{status?.label ?? m.status}</Badge>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {formatPoints(m.availablePoints)}
                  {m.pendingPoints > 0 ? ` (+${m.pendingPoints.toLocaleString("en-US")} pending)` : ""}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {formatPoints(m.lifetimePoints)}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>{formatDay(m.lastActivityAt, props.timeZone)}</IndexTable.Cell>
              <IndexTable.Cell>{formatDay(m.joinedAt, props.timeZone)}</IndexTable.Cell>
            </IndexTable.Row>
          );
        })}
      </IndexTable>
    </>
  );
}
