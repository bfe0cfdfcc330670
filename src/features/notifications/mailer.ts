import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Where queued emails finally go: an SMTP server, or `.eml` files for development. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export function smtpMailer(smtpUrl: string): Mailer {
  // Give up on a silent server well within the worker's 2-minute lease, so that another worker
  // does not take the same email over while this one is still waiting to send it.
  const transport: Transporter = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(email) {
      await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: `<${email.id}@mybtec>`,
      });
    },
    close: () => transport.close(),
  };
}

/** Without SMTP_URL: every message is written as an .eml file under DATA_DIR/mail. */
export function fileMailer(mailDir: string): Mailer {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async send(email) {
      const info = await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: `<${email.id}@mybtec>`,
      });
      await mkdir(mailDir, { recursive: true });
      await writeFile(path.join(mailDir, `${email.id}.eml`), info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
