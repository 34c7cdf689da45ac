import { SkeletonBodyText } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import type { CurvePoint } from "./optimizer-present";

// The response curve, reusable by every optimizer (reward thresholds, tier thresholds, earn
// rate): points `{ x, label, mean, lower, upper }` in, the chart rendered in the browser only.

const Chart = lazy(() => import("./ResponseCurve.client"));

export function ResponseCurve(props: {
  points: CurvePoint[];
  objective: string;
  format: (value: number) => string;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height: 300 }}>
      <SkeletonBodyText lines={7} />
    </div>
  );
  if (!mounted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <Chart {...props} />
    </Suspense>
  );
}
