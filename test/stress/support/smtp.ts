import { createServer, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { sleep } from './wait.js';

export interface Received {
  /** The outbox id, from the Message-ID `<id@mybtec>`. */
  id: string;
  to: string[];
  raw: string;
  at: number;
}

export interface Attempt {
  id: string;
  /** The application clock's time when the message data arrived (for back-off checks). */
  at: number;
  outcome: 'accepted' | 'refused' | 'dropped';
}

/** How the server misbehaves; changeable at any moment. */
export interface Faults {
  /** Wait this long (ms, real time) before greeting a new connection. */
  greetingDelayMs: number;
  /** Wait this long (ms, real time) before answering the message data. */
  dataDelayMs: number;
  // Each share below is applied in a fixed rhythm, not at random: the first such event is faulted,
  // then one in every 1/share (0.3: the 1st, 4th, 7th, 11th…). A random share could, now and then,
  // fault nothing in a run, and the test would prove nothing (a CI run saw it: no connection cut in
  // 15 messages at 0.3); the rhythm faults in every run, and never twice in a row below 0.5.
  /** Refuse this share of recipients with 450 (0 to 1). */
  refuseRecipients: number;
  /** Refuse this share of messages after their data with 452 (0 to 1). */
  refuseData: number;
  /** Cut the connection after the data arrived, before answering, for this share (0 to 1). */
  dropData: number;
}

const none: Faults = {
  greetingDelayMs: 0,
  dataDelayMs: 0,
  refuseRecipients: 0,
  refuseData: 0,
  dropData: 0,
};

/** A port nothing listens on (taken from the system, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A real SMTP server on 127.0.0.1 that can be down, slow, refusing or cutting connections, and
 * that keeps every message it accepted. It can be stopped and started again on the same port.
 */
export class FaultySmtp {
  readonly received: Received[] = [];
  readonly attempts: Attempt[] = [];
  faults: Faults = { ...none };
  private server: SMTPServer | undefined;
  /** How many events of each kind the rhythm has seen (see Faults). */
  private readonly seen = { refuseRecipients: 0, refuseData: 0, dropData: 0 };
  private sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly now: () => number = Date.now,
  ) {}

  static async create(now?: () => number): Promise<FaultySmtp> {
    return new FaultySmtp(await freePort(), now);
  }

  /** Whether this event of that kind is faulted: the share `faults[kind]`, in a fixed rhythm. */
  private due(kind: keyof FaultySmtp['seen']): boolean {
    const share = this.faults[kind];
    const n = this.seen[kind];
    this.seen[kind] = n + 1;
    return Math.ceil((n + 1) * share - 1e-9) > Math.ceil(n * share - 1e-9);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get up(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        const delay = this.faults.greetingDelayMs;
        if (delay > 0) setTimeout(() => callback(), delay);
        else callback();
      },
      onRcptTo: (address, _session, callback) => {
        if (this.due('refuseRecipients')) {
          callback(
            Object.assign(new Error(`Mailbox ${address.address} busy`), { responseCode: 450 }),
          );
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const id = /^Message-ID:\s*<([^@>]+)@mybtec>/im.exec(raw)?.[1] ?? '';
          const at = this.now();
          void (async () => {
            if (this.faults.dataDelayMs > 0) await sleep(this.faults.dataDelayMs);
            if (this.due('dropData')) {
              this.attempts.push({ id, at, outcome: 'dropped' });
              for (const socket of this.sockets) socket.destroy();
              return;
            }
            if (this.due('refuseData')) {
              this.attempts.push({ id, at, outcome: 'refused' });
              callback(Object.assign(new Error('Try again later'), { responseCode: 452 }));
              return;
            }
            this.attempts.push({ id, at, outcome: 'accepted' });
            this.received.push({
              id,
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              at: Date.now(),
            });
            callback();
          })();
        });
      },
    });
    server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and cuts every open connection: the server is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** How many times each message (by outbox id) was accepted. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const message of this.received) counts.set(message.id, (counts.get(message.id) ?? 0) + 1);
    return counts;
  }
}
