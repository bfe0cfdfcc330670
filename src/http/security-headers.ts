import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyReply {
    /** This response's nonces, for the one module script and style element a page may carry. */
    cspNonce: { script: string; style: string } | null;
  }
}

/** Stand-ins for the nonces while helmet writes the headers once; never sent. */
const SCRIPT = 'mybtec-script-nonce-placeholder';
const STYLE = 'mybtec-style-nonce-placeholder';

type Header = { name: string; parts: string[] };

/**
 * Helmet's headers, each response with a fresh CSP nonce for scripts and one for styles. Helmet
 * (through @fastify/helmet) rebuilt its whole middleware for every response to put the nonces in:
 * about a twentieth of a light request's CPU. Here helmet writes the headers once, with stand-ins
 * for the nonces, and each response gets those headers with its own nonces put in their place.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { hsts: boolean; upgradeInsecureRequests: boolean },
): void {
  const config: HelmetOptions = {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", `'nonce-${SCRIPT}'`],
        styleSrc: ["'self'", `'nonce-${STYLE}'`],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: options.upgradeInsecureRequests ? [] : null,
      },
    },
    hsts: options.hsts,
  };
  const headers: Header[] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string) {
      headers.push({ name, parts: String(value).split(new RegExp(`(${SCRIPT}|${STYLE})`)) });
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  helmet(config)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);

  app.decorateReply('cspNonce', null);
  app.addHook('onRequest', (_request, reply, done) => {
    const random = randomBytes(32).toString('hex');
    const nonce = { script: random.slice(0, 32), style: random.slice(32) };
    reply.cspNonce = nonce;
    const raw = reply.raw;
    for (const { name, parts } of headers) {
      raw.setHeader(
        name,
        parts.length === 1
          ? (parts[0] as string)
          : parts
              .map((part) => (part === SCRIPT ? nonce.script : part === STYLE ? nonce.style : part))
              .join(''),
      );
    }
    for (const name of removed) raw.removeHeader(name);
    done();
  });
}
