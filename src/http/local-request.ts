import type { FastifyRequest } from 'fastify';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * Did this request come from a browser on this machine? The connection must come from loopback and
 * carry no forwarding header: a reverse proxy on this machine connects from loopback on behalf of
 * everyone, and behind HTTPS `request.ip` believes X-Forwarded-For from private addresses too, so
 * neither the socket nor `request.ip` alone can say.
 */
export function fromThisMachine(request: FastifyRequest): boolean {
  return (
    LOOPBACK.has(request.socket.remoteAddress ?? '') &&
    LOOPBACK.has(request.ip) &&
    FORWARDING_HEADERS.every((name) => request.headers[name] === undefined)
  );
}
