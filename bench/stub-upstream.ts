/**
 * A minimal upstream DNS server for benchmarks and tests: answers every A question with one
 * address (192.0.2.1, TEST-NET-1) on UDP. Run inside a test host only.
 *
 *   node dist/bench/stub-upstream.js <address> <port>
 */
import { createSocket } from 'node:dgram';

const [address = '127.0.0.1', port = '5300'] = process.argv.slice(2);
const socket = createSocket('udp4');

/** End of the question section: header (12) + name + type + class. */
function questionEnd(msg: Buffer): number {
  let i = 12;
  while (i < msg.length && msg[i] !== 0) i += msg[i]! + 1;
  return i + 5;
}

socket.on('message', (query, peer) => {
  if (query.length < 17) return;
  const end = questionEnd(query);
  const reply = Buffer.alloc(end + 16);
  query.copy(reply, 0, 0, end);
  reply[2] = 0x81; // QR, RD
  reply[3] = 0x80; // RA, NOERROR
  reply.writeUInt16BE(1, 6); // ANCOUNT
  reply.writeUInt16BE(0, 8);
  reply.writeUInt16BE(0, 10);
  reply.writeUInt16BE(0xc00c, end); // name: pointer to the question
  reply.writeUInt16BE(1, end + 2); // A
  reply.writeUInt16BE(1, end + 4); // IN
  reply.writeUInt32BE(60, end + 6); // TTL
  reply.writeUInt16BE(4, end + 10);
  Buffer.from([192, 0, 2, 1]).copy(reply, end + 12);
  socket.send(reply, peer.port, peer.address);
});

socket.bind(Number(port), address);
