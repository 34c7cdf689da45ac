import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** While `active` (a computation or import running), reloads the page's data every `everyMs`, one reload at a time. */
export function useRevalidateWhile(active: boolean, everyMs = 2_000): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, revalidator]);
}
