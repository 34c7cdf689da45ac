import { InlineStack, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";

/**
 * A "from – to" pair of number fields for a filter. What the merchant types is applied
 * once they pause, so each keystroke does not reload the list.
 */
export function RangeFields(props: {
  label: string;
  min: number | null;
  max: number | null;
  prefix?: string;
  onChange: (min: string, max: string) => void;
}) {
  const [min, setMin] = useState(props.min === null ? "" : String(props.min));
  const [max, setMax] = useState(props.max === null ? "" : String(props.max));
  useEffect(() => {
    const applied = [
      props.min === null ? "" : String(props.min),
      props.max === null ? "" : String(props.max),
    ];
    if (applied[0] === min && applied[1] === max) return;
    const timer = setTimeout(() => props.onChange(min, max), 600);
    return () => clearTimeout(timer);
  }, [min, max]);
  return (
    <InlineStack gap="200" wrap={false}>
      <TextField
        label={`${props.label} from`}
        type="number"
        min={0}
        prefix={props.prefix}
        value={min}
        onChange={setMin}
        autoComplete="off"
      />
      <TextField
        label="to"
        type="number"
        min={0}
        prefix={props.prefix}
        value={max}
        onChange={setMax}
        autoComplete="off"
      />
    </InlineStack>
  );
}
