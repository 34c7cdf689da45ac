import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, Layout, List, Modal, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { ProgramDraft } from "./form";
import type { Edit, Errors } from "./fields";
import { hundredOf, moneyFormatter } from "./money-format";
import { PROGRAM_SECTIONS, sectionPart, type SectionKey } from "./sections";

// One program section as a page: the section's cards over a draft of the live version,
// Save (a new version of the whole program with this section's parts replaced) and
// Discard, the 422 banner listing what to fix (fields are marked too), and the confirmation a costlier
// change asks for, with the offer to test it as an experiment instead.

export type SectionAnswer =
  | { ok: true; version: number; queueProblem?: string | null }
  | {
      ok: false;
      status: number;
      message: string;
      fieldErrors: Record<string, string>;
      confirmCost?: { before: number; after: number; rise: number; experimentUrl: string | null };
    };

export interface SectionBodyProps {
  draft: ProgramDraft;
  edit: Edit;
  errors: Errors;
  /** Submits the draft as it stands now (for pages whose own buttons save, like the rewards editor). */
  save: (draft?: ProgramDraft) => void;
  saving: boolean;
}

export interface SectionPageProps {
  section: SectionKey;
  version: number;
  saved: ProgramDraft;
  currency: string;
  main: (props: SectionBodyProps) => ReactNode;
  aside?: (props: SectionBodyProps) => ReactNode;
  /** Pages whose own buttons save hide the page's Save and Discard. */
  ownSaveButtons?: boolean;
}

type Fetcher = ReturnType<typeof useFetcher<SectionAnswer>>;

export function SectionPage(props: SectionPageProps) {
  // The save outlives the editor: a saved version reloads the page, and keying the editor
  // on it starts a clean draft; the fetcher (and its toast) lives out here.
  const fetcher = useFetcher<SectionAnswer>();
  const shopify = useAppBridge();
  const answer = fetcher.data;
  useEffect(() => {
    if (fetcher.state !== "idle" || !answer?.ok) return;
    shopify.toast.show(`Program saved as version ${answer.version}`);
    if (answer.queueProblem) shopify.toast.show(answer.queueProblem, { isError: true });
  }, [fetcher.state, answer, shopify]);
  return <SectionEditor key={props.version} {...props} fetcher={fetcher} />;
}

function SectionEditor(props: SectionPageProps & { fetcher: Fetcher }) {
  const { section, version, saved, currency, main, aside, ownSaveButtons, fetcher } = props;
  const [draft, setDraft] = useState<ProgramDraft>(saved);
  const [note, setNote] = useState("");
  const [confirmOpen, setConfirmOpen] = useState(false);
  const info = PROGRAM_SECTIONS[section];
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  const answer = fetcher.data;
  const failure = answer && !answer.ok ? answer : null;
  const errors = failure?.fieldErrors ?? {};
  const saving = fetcher.state !== "idle";
  useEffect(() => {
    if (fetcher.state === "idle" && answer && !answer.ok && answer.confirmCost) setConfirmOpen(true);
  }, [fetcher.state, answer]);

  const edit: Edit = (change) =>
    setDraft((current) => {
      const next = structuredClone(current);
      change(next);
      return next;
    });
  const submit = (from: ProgramDraft, confirmCost: boolean) =>
    fetcher.submit(
      {
        basedOn: String(version),
        note,
        section: JSON.stringify(sectionPart(section, from)),
        ...(confirmCost ? { confirmCost: "yes" } : {}),
      },
      { method: "post" },
    );
  const save = (from?: ProgramDraft) => {
    if (from) setDraft(from);
    submit(from ?? draft, false);
  };
  const discard = () => {
    setDraft(saved);
    setNote("");
  };
  const body: SectionBodyProps = { draft, edit, errors, save, saving };
  const cost = failure?.confirmCost;

  return (
    <Page
      title={info.title}
      subtitle={`Program version ${version}. Saving creates a new version; points already credited keep the version that credited them.`}
      backAction={{ content: "Program", url: "/app/program" }}
      {...(ownSaveButtons ? {} : pageActions(() => save(), discard, !dirty || saving, saving))}
    >
      <form
        data-save-bar={ownSaveButtons ? undefined : true}
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
        onReset={discard}
      >
        <Layout>
          {failure && !cost && (
            <Layout.Section>
              <SaveProblems message={failure.message} errors={errors} />
            </Layout.Section>
          )}
          <Layout.Section>
            <BlockStack gap="400">{main(body)}</BlockStack>
          </Layout.Section>
          {(aside || !ownSaveButtons) && (
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                {aside?.(body)}
                {!ownSaveButtons && <NoteCard note={note} onChange={setNote} dirty={dirty} />}
              </BlockStack>
            </Layout.Section>
          )}
        </Layout>
      </form>
      {cost && (
        <CostConfirmModal
          open={confirmOpen}
          cost={cost}
          currency={currency}
          saving={saving}
          onClose={() => setConfirmOpen(false)}
          onConfirm={() => {
            setConfirmOpen(false);
            submit(draft, true);
          }}
        />
      )}
    </Page>
  );
}

/** Why the save was refused, every message once: some belong to fields this page does not
 * show (a duplicate reward refused while saving the earning page, the perk config's size). */
function SaveProblems({ message, errors }: { message: string; errors: Record<string, string> }) {
  const messages = [...new Set(Object.values(errors))].slice(0, 8);
  return (
    <Banner tone="critical" title={message}>
      {messages.length > 0 ? (
        <List>
          {messages.map((m) => (
            <List.Item key={m}>{m}</List.Item>
          ))}
        </List>
      ) : null}
    </Banner>
  );
}

function CostConfirmModal(props: {
  open: boolean;
  cost: NonNullable<Extract<SectionAnswer, { ok: false }>["confirmCost"]>;
  currency: string;
  saving: boolean;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const { cost, currency } = props;
  const formatMoney = moneyFormatter(currency);
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title="This change makes rewards costlier"
      primaryAction={{
        content: "Save anyway",
        destructive: true,
        loading: props.saving,
        onAction: props.onConfirm,
      }}
      secondaryActions={[
        ...(cost.experimentUrl ? [{ content: "Test it as an experiment", url: cost.experimentUrl }] : []),
        { content: "Keep editing", onAction: props.onClose },
      ]}
    >
      <Modal.Section>
        <BlockStack gap="200">
          <span data-testid="cost-confirmation">
            <Text as="p">
              Reward cost per {hundredOf(currency)} of member sales goes from{" "}
              <b>{formatMoney(cost.before)}</b> to <b>{formatMoney(cost.after)}</b> (+
              {Math.round(cost.rise * 100)}%), if members spend their points as they do now.
            </Text>
          </span>
          <Text as="p" tone="subdued">
            A change this size is worth testing first: an experiment gives it to part of your members and
            measures whether the extra cost brings more orders than it gives away.
          </Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function NoteCard(props: { note: string; onChange: (note: string) => void; dirty: boolean }) {
  return (
    <Card>
      <TextField
        label="What changed (optional)"
        autoComplete="off"
        value={props.note}
        onChange={props.onChange}
        maxLength={200}
        helpText={
          props.dirty ? "Unsaved changes. Shown in the version history." : "Shown in the version history."
        }
      />
    </Card>
  );
}

/** The page's Save and Discard changes. */
function pageActions(save: () => void, discard: () => void, disabled: boolean, saving: boolean) {
  return {
    primaryAction: { content: "Save", onAction: save, disabled, loading: saving },
    secondaryActions: [{ content: "Discard changes", onAction: discard, disabled }],
  };
}
