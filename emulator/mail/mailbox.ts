import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

// The emulator's mail catcher: a real SMTP server on a local port that accepts what the
// app's nodemailer transport sends and keeps each message parsed, newest last, up to a
// bound. The tests read it directly; the demo serves it as the "Sent messages" view
// (./view.ts). `failNext(n, code)` answers the next n messages' DATA with an SMTP error
// (451: try again later), as a provider in trouble would.

export type CaughtMail = {
  /** 1, 2, 3 … in arrival order (stable for links while the message is kept). */
  id: number;
  receivedAt: Date;
  /** Envelope recipients. */
  to: string[];
  mail: ParsedMail;
};

export type Mailbox = {
  port: number;
  /** The kept messages in arrival order (the oldest dropped past `limit`). */
  messages: ParsedMail[];
  /** Envelope recipients of each kept message, in the same order. */
  recipients: string[][];
  /** Each kept message with its id and arrival time, in arrival order. */
  caught(): CaughtMail[];
  find(id: number): CaughtMail | undefined;
  failNext(count: number, code?: number): void;
  /** Resolves once `count` messages have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Forgets every message (ids keep counting). */
  clear(): void;
  close(): Promise<void>;
};

export type MailboxOptions = {
  /** 0 for any free port (tests); the demo picks one beside the emulator's HTTP port. */
  port?: number;
  host?: string;
  /** Messages kept; older ones are dropped. */
  limit?: number;
  now?: () => number;
};

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const limit = options.limit ?? 2_000;
  const now = options.now ?? Date.now;
  const kept: CaughtMail[] = [];
  const messages: ParsedMail[] = [];
  const recipients: string[][] = [];
  let nextId = 1;
  let failures = 0;
  let failCode = 451;

  function keep(mail: ParsedMail, to: string[]) {
    kept.push({ id: nextId++, receivedAt: new Date(now()), to, mail });
    messages.push(mail);
    recipients.push(to);
    const excess = kept.length - limit;
    if (excess > 0) {
      kept.splice(0, excess);
      messages.splice(0, excess);
      recipients.splice(0, excess);
    }
  }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // A message larger than this is refused at DATA, as a provider would.
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (failures > 0) {
          failures -= 1;
          callback(
            Object.assign(new Error("Temporary failure, try again later"), { responseCode: failCode }),
          );
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            keep(
              parsed,
              session.envelope.rcptTo.map((r) => r.address),
            );
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    recipients,
    caught: () => kept.slice(),
    find: (id) => kept.find((m) => m.id === id),
    failNext(count, code = 451) {
      failures = count;
      failCode = code;
    },
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`Expected ${count} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    clear() {
      kept.length = 0;
      messages.length = 0;
      recipients.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
