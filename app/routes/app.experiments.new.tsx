import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Page } from "@shopify/polaris";
import { useEffect } from "react";
import { CreateFlow } from "~/admin/experiments/CreateFlow";
import { toInput } from "~/admin/experiments/form";
import { createFromForm, loadNewExperiment } from "~/admin/experiments/new.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "New experiment · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadNewExperiment(prisma(), session.shop, new Date(), new URL(request.url));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await createFromForm(
    prisma(),
    session.shop,
    await readForm(request),
    sessionToken?.sub ?? null,
  );
  return data(answer, { status: answer.ok ? 200 : answer.status });
};

const NO_ERRORS: Record<string, string> = {};

export default function NewExperimentPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      shopify.toast.show(fetcher.data.message);
      navigate(`/app/experiments/${fetcher.data.id}`);
    }
  }, [fetcher.state, fetcher.data, shopify, navigate]);
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  return (
    <Page title="New experiment" backAction={{ content: "Experiments", url: "/app/experiments" }}>
      <CreateFlow
        program={page.program}
        currency={page.currency}
        shopName={page.shopName}
        timeZone={page.timeZone}
        traffic={page.traffic}
        segments={page.segments}
        levers={page.levers}
        metrics={page.metrics}
        prefill={page.prefill}
        errors={failure?.fieldErrors ?? NO_ERRORS}
        message={failure?.message ?? null}
        submitting={fetcher.state !== "idle"}
        submit={(intent, draft) =>
          fetcher.submit(
            { intent, experiment: JSON.stringify(toInput(draft, page.program)) },
            { method: "post" },
          )
        }
      />
    </Page>
  );
}
