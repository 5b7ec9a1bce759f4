/**
 * @module ports/reserve
 * A published host port is held by a socket of the daemon, like Docker ≥ 28 does (moby
 * portallocator/osallocator_linux.go): a listening TCP socket or a bound UDP socket per host
 * address and port. Another program then cannot take the port, and binding tells us when another
 * program already has it. Traffic never reaches these sockets while the DNAT elements are in
 * place (nat prerouting/output run before the socket lookup); a TCP connection that lands on one
 * in the moment before (or after) is closed at once.
 *
 * Sockets live in the daemon's own network namespace, which is the host berth manages.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { systemError } from '../lib/errors.js';
import type { Proto } from './spec.js';

export interface HeldPort {
  close(): Promise<void>;
}

/** Go's syscall error strings, which Docker's messages carry. */
const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EINVAL: 'invalid argument',
};

export function bindError(ip: string, port: number, proto: Proto, err: unknown) {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const text = ERRNO_TEXT[code] ?? (err instanceof Error ? err.message : String(err));
  return systemError(`failed to bind host port ${ip}:${port}/${proto}: ${text}`, err);
}

/** Bind (and for TCP listen on) ip:port; rejects with Docker's wording when the kernel refuses. */
export function holdPort(ip: string, proto: Proto, port: number): Promise<HeldPort> {
  if (proto === 'tcp') return holdTcp(ip, port);
  if (proto === 'udp') return holdUdp(ip, port);
  // Node has no SCTP sockets: the allocator alone reserves SCTP ports.
  return Promise.resolve({ close: async () => undefined });
}

function holdTcp(ip: string, port: number): Promise<HeldPort> {
  return new Promise((resolve, reject) => {
    const server = createServer({ pauseOnConnect: true }, (conn) => conn.destroy());
    const onError = (err: Error) => reject(bindError(ip, port, 'tcp', err));
    server.once('error', onError);
    server.listen({ host: ip, port, exclusive: true, backlog: 16 }, () => {
      server.off('error', onError);
      server.on('error', () => undefined);
      server.unref();
      resolve({ close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

function holdUdp(ip: string, port: number): Promise<HeldPort> {
  return new Promise((resolve, reject) => {
    const sock = createSocket({ type: 'udp4', reuseAddr: false });
    const onError = (err: Error) => {
      try {
        sock.close();
      } catch {
        // never bound: nothing to close
      }
      reject(bindError(ip, port, 'udp', err));
    };
    sock.once('error', onError);
    sock.bind({ address: ip, port, exclusive: true }, () => {
      sock.off('error', onError);
      sock.on('error', () => undefined);
      sock.unref();
      resolve({
        close: () =>
          new Promise<void>((done) => {
            try {
              sock.close(() => done());
            } catch {
              done(); // already closed
            }
          }),
      });
    });
  });
}
