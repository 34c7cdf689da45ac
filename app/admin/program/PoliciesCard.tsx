import { BlockStack, Card, FormLayout, InlineGrid, Text } from "@shopify/polaris";
import type { ProgramDraft } from "./form";
import { Choice, Field, Toggle, type Edit, type Errors } from "./fields";

/** Expiry, who is a member, and what refunds do to spent points. */
export function PoliciesCard({ draft, edit, errors }: { draft: ProgramDraft; edit: Edit; errors: Errors }) {
  const expiry = draft.expiry;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Expiry, membership and refunds
        </Text>
        <FormLayout>
          <Choice
            label="Points expire"
            value={expiry.policy}
            options={[
              { label: "Never", value: "none" },
              { label: "After a period without earning or redeeming", value: "inactivity" },
              { label: "A fixed time after they become spendable", value: "fixedAge" },
            ]}
            onChange={(v) => edit((d) => void (d.expiry.policy = v))}
            error={errors["expiry.policy"]}
          />
          {expiry.policy !== "none" && (
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Field
                label="Expire after"
                type="number"
                suffix="days"
                value={expiry.days}
                onChange={(v) => edit((d) => void (d.expiry.days = v))}
                error={errors["expiry.days"]}
              />
              <Field
                label="Warn members"
                type="number"
                suffix="days before"
                value={expiry.noticeDays}
                onChange={(v) => edit((d) => void (d.expiry.noticeDays = v))}
                error={errors["expiry.noticeDays"]}
              />
            </InlineGrid>
          )}
          <Choice
            label="Enrollment"
            value={draft.membership.enrollment}
            options={[
              { label: "Every customer is a member", value: "automatic" },
              { label: "Customers join themselves", value: "optIn" },
            ]}
            onChange={(v) => edit((d) => void (d.membership.enrollment = v))}
            error={errors["membership.enrollment"]}
          />
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Toggle
              label="Exclude staff accounts"
              checked={draft.membership.excludeStaff}
              onChange={(v) => edit((d) => void (d.membership.excludeStaff = v))}
            />
            <Toggle
              label="Exclude B2B buyers"
              checked={draft.membership.excludeB2B}
              onChange={(v) => edit((d) => void (d.membership.excludeB2B = v))}
            />
          </InlineGrid>
          <Field
            label="Exclude customers tagged"
            placeholder="wholesale, employee"
            helpText="Separate tags with commas."
            value={draft.membership.excludedCustomerTags}
            onChange={(v) => edit((d) => void (d.membership.excludedCustomerTags = v))}
            error={errors["membership.excludedCustomerTags"]}
          />
          <Choice
            label="When a refund follows a redemption"
            value={draft.refunds.negativeBalance}
            options={[
              { label: "Take back every point, even below zero", value: "allow" },
              { label: "Stop at zero and write off the rest", value: "clampAtZero" },
            ]}
            onChange={(v) => edit((d) => void (d.refunds.negativeBalance = v))}
            error={errors["refunds.negativeBalance"]}
          />
        </FormLayout>
      </BlockStack>
    </Card>
  );
}
