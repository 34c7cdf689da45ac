// The "Measure against control" form as the campaign test's input (campaigns/measure/variants.ts):
// fields `holdoutPercent`, `grossMarginPercent` and per variant `variants.<i>.<field>`. A
// variant whose subject, body and SMS text are all empty is left out (the form shows two). Numbers
// that are not whole are passed as NaN, which the schema refuses with the field's message.

export const TEST_FORM_VARIANTS = 2;

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

const whole = (value: string) => {
  const v = value.trim();
  return /^\d+$/.test(v) ? Number(v) : Number.NaN;
};

export function campaignTestFromForm(form: FormData): Record<string, unknown> {
  const variants = [];
  for (let i = 0; i < TEST_FORM_VARIANTS; i++) {
    const field = (name: string) => text(form, `variants.${i}.${name}`);
    if (!field("subject").trim() && !field("body").trim() && !field("smsBody").trim()) continue;
    const mode = field("sendTime") || "campaign";
    const offer = field("offerPoints").trim();
    variants.push({
      key: field("key") || String.fromCharCode(97 + i),
      name: field("name"),
      weight: whole(field("weight")),
      subject: field("subject"),
      body: field("body"),
      channel: field("channel") || "email",
      smsBody: field("smsBody").trim() || null,
      sendTime: mode === "fixedHour" ? { mode, hour: whole(field("hour")) } : { mode },
      offer: offer ? { kind: "points", points: whole(offer) } : null,
    });
  }
  const margin = text(form, "grossMarginPercent").trim();
  return {
    holdoutPercent: whole(text(form, "holdoutPercent")),
    ...(margin ? { grossMarginPercent: whole(margin) } : {}),
    variants,
  };
}
