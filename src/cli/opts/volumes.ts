/**
 * @module cli/opts/volumes
 * `-v/--volume` as docker 28 reads it (compose loader ParseVolume): `[source:]target[:options]`.
 * A source makes it a bind (paths) or named volume, both sent as HostConfig.Binds; a target alone
 * is an anonymous volume (Config.Volumes). Relative binds starting with "." become absolute.
 */
import { isAbsolute, resolve } from 'node:path';

export interface VolumeSpec {
  source: string;
  target: string;
  type: 'bind' | 'volume';
}

const isDrive = (buffer: string, ch: string) => ch === ':' && buffer.length === 1 && /\p{L}/u.test(buffer);

/** loader.ParseVolume; errors read `invalid spec: <spec>: <why>`. */
export function parseVolume(spec: string): VolumeSpec {
  if (spec.length === 0) throw new Error('invalid empty volume spec');
  if (spec.length <= 2) return { source: '', target: spec, type: 'volume' };
  let source = '';
  let target = '';
  let buffer = '';
  const END = '\0';
  for (const ch of [...spec, END]) {
    if (isDrive(buffer, ch)) {
      buffer += ch;
    } else if (ch === ':' || ch === END) {
      let why = '';
      if (buffer.length === 0) why = 'empty section between colons';
      else if (source === '' && ch === END) target = buffer;
      else if (source === '') source = buffer;
      else if (target === '') target = buffer;
      else if (ch === ':') why = 'too many colons';
      if (why) throw new Error(`invalid spec: ${spec}: ${why}`);
      buffer = '';
    } else {
      buffer += ch;
    }
  }
  return { source, target, type: source !== '' && isFilePath(source) ? 'bind' : 'volume' };
}

function isFilePath(source: string): boolean {
  if ('./~'.includes(source[0]!)) return true;
  if ([...source].length === 1) return false;
  if (source.startsWith('\\\\')) return true;
  return isDrive(source[0]!, source[1]!);
}

/** Split -v values into HostConfig.Binds and Config.Volumes the way docker's parse() does. */
export function splitVolumes(values: readonly string[], cwd: string): { binds: string[]; volumes: string[] } {
  const binds: string[] = [];
  const volumes: string[] = [];
  for (const spec of new Set(values)) {
    const parsed = parseVolume(spec);
    if (parsed.source === '') {
      volumes.push(spec);
      continue;
    }
    let bind = spec;
    const colon = spec.indexOf(':');
    if (parsed.type === 'bind' && colon >= 0) {
      let host = spec.slice(0, colon);
      if (!isAbsolute(host) && host.startsWith('.')) host = resolve(cwd, host);
      bind = `${host}:${spec.slice(colon + 1)}`;
    }
    binds.push(bind);
  }
  return { binds, volumes };
}
