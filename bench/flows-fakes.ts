/**
 * The local fake providers of the flows benchmark, in a process of their own (so that their CPU
 * is not the measured worker's): the fake eSMS and the fake SMTP server of the tests, which check
 * the contract of every call. Prints `{"esms": URL, "smtp": URL}` once listening; answers each
 * `count` line on stdin with one JSON line of what they accepted so far; exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { startEsmsFake } from '../test/support/fakes/esms.js';
import { startSmtpFake } from '../test/support/fakes/smtp.js';

/** What the fakes accepted: `sms` distinct RequestIds, `mail` distinct Message-IDs. */
export interface FakeCounts {
  sms: number;
  smsCalls: number;
  mail: number;
  mailReceived: number;
  mailCalls: number;
  violations: string[];
}

const esms = await startEsmsFake();
const smtp = await startSmtpFake();
let sms = 0;
let mailReceived = 0;
const mailIds = new Set<string>();
/** Counts what arrived and lets the fakes' lists go (200,000 e-mails would hold their raw text). */
const drain = () => {
  sms += esms.received.length;
  esms.received.length = 0;
  mailReceived += smtp.received.length;
  for (const m of smtp.received) mailIds.add(m.messageId);
  smtp.received.length = 0;
};
setInterval(drain, 500).unref();
process.stdout.write(`${JSON.stringify({ esms: esms.url, smtp: smtp.url })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'count') return;
  drain();
  const counts: FakeCounts = {
    sms,
    smsCalls: esms.calls,
    mail: mailIds.size,
    mailReceived,
    mailCalls: smtp.calls,
    violations: [...esms.violations, ...smtp.violations].slice(0, 10),
  };
  process.stdout.write(`${JSON.stringify(counts)}\n`);
});
lines.on('close', () => {
  void Promise.all([esms.close(), smtp.close()]).then(() => process.exit(0));
});
