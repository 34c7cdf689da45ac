import { Checkbox, Select, TextField } from "@shopify/polaris";
import type { ProgramDraft } from "./form";

// Small wrappers that bind a Polaris input to one draft value and its error by path.

export type Edit = (change: (draft: ProgramDraft) => void) => void;
export type Errors = Record<string, string>;

type FieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  helpText?: string;
  suffix?: string;
  prefix?: string;
  type?: "text" | "number" | "date";
  placeholder?: string;
};

export function Field({ type = "text", ...props }: FieldProps) {
  return (
    <TextField
      autoComplete="off"
      type={type}
      inputMode={type === "number" ? "decimal" : undefined}
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
      helpText={props.helpText}
      suffix={props.suffix}
      prefix={props.prefix}
      placeholder={props.placeholder}
    />
  );
}

export function Choice<T extends string>(props: {
  label: string;
  value: string;
  options: Array<{ label: string; value: T }>;
  onChange: (value: T) => void;
  error?: string;
  helpText?: string;
}) {
  return (
    <Select
      label={props.label}
      value={props.value}
      options={props.options}
      onChange={(v) => props.onChange(v as T)}
      error={props.error}
      helpText={props.helpText}
    />
  );
}

export function Toggle(props: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  helpText?: string;
}) {
  return (
    <Checkbox
      label={props.label}
      checked={props.checked}
      onChange={props.onChange}
      helpText={props.helpText}
    />
  );
}
