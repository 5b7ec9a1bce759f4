/**
 * @module dns/name
 * Domain names on the wire: reading (with compression, safely) and splitting presentation-form
 * names into labels for writing. Shared by the query fast path and the general codec.
 */

export class DnsFormatError extends Error {
  override readonly name = 'DnsFormatError';
  /** True when the header is a readable query, so a FORMERR reply can carry its ID. */
  constructor(
    message: string,
    readonly replyable: boolean,
  ) {
    super(message);
  }
}

let nameEnd = 0;

/** Where the last `readName` ended in the message (after the first pointer, if any). */
export function lastNameEnd(): number {
  return nameEnd;
}

/**
 * Read a possibly compressed name at `offset`, in presentation form without the trailing dot.
 * Each pointer must point before the start of the labels it continues, so every jump goes
 * strictly backwards and the walk ends; together with the 255-octet limit no input can loop.
 */
export function readName(buf: Buffer, offset: number, lower: boolean): string {
  let name = '';
  let pos = offset;
  let floor = offset; // a pointer must point below this
  let end = -1;
  let octets = 1;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the end', true);
    const len = buf[pos]!;
    if (len === 0) break;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('name runs past the end', true);
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= floor) throw new DnsFormatError('compression pointer does not point backwards', true);
      if (end < 0) end = pos + 2;
      pos = floor = target;
      continue;
    }
    if (len & 0xc0) throw new DnsFormatError('unsupported label type', true);
    octets += len + 1;
    if (octets > 255) throw new DnsFormatError('name longer than 255 octets', true);
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the end', true);
    const label = labelText(buf, pos + 1, pos + 1 + len, lower);
    name = name === '' ? label : `${name}.${label}`;
    pos += 1 + len;
  }
  nameEnd = end < 0 ? pos + 1 : end;
  return name;
}

/** A label as text: printable ASCII as is, '.' and '\' escaped, other bytes as \DDD (RFC 1035 §5.1). */
function labelText(buf: Buffer, start: number, end: number, lower: boolean): string {
  let plain = true;
  let upper = false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) {
      plain = false;
      break;
    }
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  if (plain) {
    const text = buf.toString('latin1', start, end);
    return lower && upper ? text.toLowerCase() : text;
  }
  let text = '';
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (lower && c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c <= 0x20 || c >= 0x7f) text += `\\${String(c).padStart(3, '0')}`;
    else text += c === 0x2e || c === 0x5c ? `\\${String.fromCharCode(c)}` : String.fromCharCode(c);
  }
  return text;
}

/** Presentation-form name -> label byte arrays ("a\.b.c" is two labels). Throws RangeError on bad names. */
export function nameLabels(name: string): Buffer[] {
  if (name === '' || name === '.') return [];
  const text = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  const labels: Buffer[] = [];
  let bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2e) {
      labels.push(finishLabel(bytes));
      bytes = [];
    } else if (ch === 0x5c) {
      const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (digits && Number(digits[0]) <= 255) {
        bytes.push(Number(digits[0]));
        i += 3;
      } else if (i + 1 < text.length) bytes.push(text.charCodeAt(++i) & 0xff);
      else throw new RangeError(`bad escape in name ${JSON.stringify(name)}`);
    } else bytes.push(ch & 0xff);
  }
  labels.push(finishLabel(bytes));
  if (labels.reduce((n, l) => n + l.length + 1, 1) > 255) throw new RangeError('name longer than 255 octets');
  return labels;
}

function finishLabel(bytes: number[]): Buffer {
  if (bytes.length === 0 || bytes.length > 63) throw new RangeError('labels must be 1 to 63 octets');
  return Buffer.from(bytes);
}
