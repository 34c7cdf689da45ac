// The campaign tests' SMTP server is the emulator's mail catcher (emulator/mail/mailbox.ts):
// a real SMTP server on a free local port that keeps each message parsed.
import { startMailbox, type Mailbox } from "../../emulator/mail/mailbox";

export type SmtpSink = Mailbox;

export const startSmtpSink = (): Promise<SmtpSink> => startMailbox();
