/**
 * @module dns/listen
 * One listen address of the resolver: a UDP socket and a TCP server on the same address and
 * port, opened together or not at all, closed together (with their TCP connections).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import { systemError } from '../lib/errors.js';
import { log } from '../lib/log.js';

export interface Listener {
  key: string; // canonical address
  address: string;
  port: number;
  networkId: string | undefined;
  udp: UdpSocket;
  tcp: TcpServer;
  connections: Set<TcpSocket>;
  closed: boolean;
}

export interface ListenerHandlers {
  datagram(listener: Listener, msg: Buffer, address: string, port: number): void;
  connection(listener: Listener, socket: TcpSocket): void;
}

/**
 * Bind UDP then TCP on `address:port`. Port 0: UDP picks a free port and TCP takes the same one
 * (retried a few times if TCP finds it taken). Failure -> BerthError (system) naming the address.
 */
export async function openListener(key: string, address: string, port: number, networkId: string | undefined, on: ListenerHandlers): Promise<Listener> {
  const family = key.includes('.') ? 4 : 6;
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket(family === 4 ? 'udp4' : 'udp6');
    await bindUdp(udp, address, port);
    const bound = udp.address().port;
    const listener: Listener = {
      key, address, port: bound, networkId, udp, connections: new Set(), closed: false,
      tcp: createServer({ noDelay: true }, (socket) => on.connection(listener, socket)),
    };
    try {
      await listenTcp(listener.tcp, address, bound, family);
    } catch (err) {
      udp.close();
      if (port === 0 && attempt < 10 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw bindError('tcp', address, bound, err);
    }
    try {
      udp.setRecvBufferSize(1 << 21);
    } catch {
      // capped by net.core.rmem_max; the default still works
    }
    udp.on('message', (msg, rinfo) => on.datagram(listener, msg, rinfo.address, rinfo.port));
    udp.on('error', (err) => log.warn(`dns: udp ${address}:${bound}`, err));
    return listener;
  }
}

export function closeListener(l: Listener): Promise<void> {
  l.closed = true;
  for (const socket of l.connections) socket.destroy();
  try {
    l.udp.close();
  } catch {
    // already closed
  }
  return new Promise((resolve) => l.tcp.close(() => resolve()));
}

function bindUdp(udp: UdpSocket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      udp.close();
      reject(bindError('udp', address, port, err));
    };
    udp.once('error', onError);
    udp.bind({ address, port, exclusive: true }, () => {
      udp.off('error', onError);
      resolve();
    });
  });
}

function listenTcp(server: TcpServer, host: string, port: number, family: 4 | 6): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true, ipv6Only: family === 6 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function bindError(proto: string, address: string, port: number, err: unknown) {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'EADDRINUSE' ? 'address already in use' :
    code === 'EADDRNOTAVAIL' ? 'address not available on this host' :
    code === 'EACCES' ? 'permission denied' : (err as Error).message; // prettier-ignore
  return systemError(`failed to bind DNS ${proto} listener on ${address.includes(':') ? `[${address}]` : address}:${port}: ${reason}`, err);
}
