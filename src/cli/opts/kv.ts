/**
 * @module cli/opts/kv
 * docker's small option validators and key=value readers (docker/cli opts/*.go, pkg/kvfile):
 * environment variables and env files, labels, links, extra hosts, DNS servers and search
 * domains, restart policies, capabilities. Messages are docker 28's.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** opts.ValidateEnv, minus the lookup (done by `resolveEnv` against the injected environment). */
export function validateEnv(val: string): string {
  const key = val.split('=', 1)[0]!;
  if (key === '') throw new Error(`invalid environment variable: ${val}`);
  return val;
}

/** A bare `-e NAME` takes NAME's value from the CLI's environment when it is set there. */
export function resolveEnv(val: string, env: NodeJS.ProcessEnv): string {
  if (val.includes('=')) return val;
  const v = env[val];
  return v === undefined ? val : `${val}=${v}`;
}

/** opts.ValidateLabel. */
export function validateLabel(value: string): string {
  const key = value.split('=', 1)[0]!.replace(/^[ \t]+/, '');
  if (key === '') throw new Error(`invalid label '${value}': empty name`);
  if (/[ \t]/.test(key)) throw new Error(`label '${key}' contains whitespaces`);
  return value;
}

/** opts.ParseLink: "name:alias" or "name". */
export function validateLink(val: string): string {
  if (val === '') throw new Error('empty string specified for links');
  if (val.split(':').length > 2) throw new Error(`bad format for links: ${val}`);
  return val;
}

/** net.ParseIP as Go has it (no zones, no brackets). */
export function isGoIP(s: string): boolean {
  return isIP(s) !== 0 && !s.includes('%');
}

/** opts.ValidateIPAddress: the address in canonical form. */
export function validateIPAddress(val: string): string {
  const ip = val.trim();
  if (!isGoIP(ip)) throw new Error(`IP address is not correctly formatted: ${val}`);
  return ip;
}

/** opts.ValidateExtraHost: "host:ip" or "host=ip", sent to the daemon as "host:ip". */
export function validateExtraHost(val: string): string {
  let sep = val.indexOf('=');
  if (sep < 0) sep = val.indexOf(':');
  const k = sep < 0 ? '' : val.slice(0, sep);
  let v = sep < 0 ? '' : val.slice(sep + 1);
  if (sep < 0 || k === '' || k.includes(':')) throw new Error(`bad format for add-host: ${JSON.stringify(val)}`);
  if (v !== 'host-gateway') {
    if (v.length > 2 && v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
    if (!isGoIP(v.trim())) throw new Error(`invalid IP address in add-host: ${JSON.stringify(v)}`);
  }
  return `${k}:${v}`;
}

const DOMAIN = /^(:?(?:[a-zA-Z0-9]|(?:[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))(:?\.(?:[a-zA-Z0-9]|(?:[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])))*)\.?\s*$/;

/** opts.ValidateDNSSearch. */
export function validateDNSSearch(val: string): string {
  const v = val.replace(/^ +| +$/g, '');
  if (v === '.') return v;
  const m = /[a-zA-Z]/.test(v) ? DOMAIN.exec(v) : null;
  if (!m || m[1]!.length >= 255) throw new Error(`${v} is not a valid domain`);
  return m[1]!;
}

/** kvfile.Parse: KEY=VALUE lines; a bare KEY is looked up (and dropped when unset). */
export function parseKvFile(filename: string, lookup?: (key: string) => string | undefined): string[] {
  const text = readFileSync(filename, 'utf8');
  const out: string[] = [];
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  rows.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0) line = line.replace(/^\uFEFF/, '');
    line = line.replace(/^\s+/, '');
    if (line.length === 0 || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    const fail = (msg: string) => new Error(`invalid env file (${filename}): ${msg}`);
    if (key.length === 0) throw fail(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw fail(`variable '${key}' contains whitespaces`);
    if (eq >= 0) return void out.push(line);
    const value = lookup?.(line);
    if (value !== undefined) out.push(`${key}=${value}`);
  });
  return out;
}

/** Go's os.Open error text for a missing or unreadable file. */
export function fileError(err: unknown, path: string): Error {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return new Error(`open ${path}: no such file or directory`);
  if (code === 'EACCES') return new Error(`open ${path}: permission denied`);
  if (code === 'EISDIR') return new Error(`read ${path}: is a directory`);
  return err instanceof Error ? err : new Error(String(err));
}

/** opts.ReadKVEnvStrings: env files first, then -e values (which override). */
export function readEnv(files: readonly string[], values: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const f of files) {
    try {
      out.push(...parseKvFile(f, (k) => env[k]));
    } catch (err) {
      throw (err as Error).message.startsWith('invalid env file') ? err : fileError(err, f);
    }
  }
  return [...out, ...values.map((v) => resolveEnv(v, env))];
}

/** opts.ReadKVStrings for labels: label files, then --label values. */
export function readLabels(files: readonly string[], values: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    try {
      out.push(...parseKvFile(f));
    } catch (err) {
      throw (err as Error).message.startsWith('invalid env file') ? err : fileError(err, f);
    }
  }
  return [...out, ...values];
}

/** ConvertKVStringsToMap: later keys win, a bare key maps to "". */
export function kvToMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    out[eq < 0 ? v : v.slice(0, eq)] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return out;
}

/** opts.ParseRestartPolicy ("" gives no policy name, as docker leaves it to the daemon). */
export function parseRestartPolicy(policy: string): { Name: string; MaximumRetryCount: number } {
  if (policy === '') return { Name: '', MaximumRetryCount: 0 };
  const colon = policy.indexOf(':');
  const name = colon < 0 ? policy : policy.slice(0, colon);
  const count = colon < 0 ? '' : policy.slice(colon + 1);
  if (colon >= 0 && name === '') throw new Error('invalid restart policy format: no policy provided before colon');
  let retries = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) throw new Error('invalid restart policy format: maximum retry count must be an integer');
    retries = Number(count);
  }
  return { Name: name, MaximumRetryCount: retries };
}

/** The moby client's capability normalisation: upper case with a CAP_ prefix, except ALL/RESET. */
export function normalizeCapabilities(caps: readonly string[]): string[] | null {
  if (caps.length === 0) return null;
  return caps.map((c) => {
    const cap = c.trim().toUpperCase();
    return cap === 'ALL' || cap === 'RESET' || cap.startsWith('CAP_') ? cap : `CAP_${cap}`;
  });
}

/** net.ParseMAC for the forms containers use (6 or 8 or 20 octets, ':' '-' or '.' separated). */
export function isValidMac(s: string): boolean {
  const t = s.trim();
  return (
    /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(t) ||
    /^([0-9a-fA-F]{2}-){5}[0-9a-fA-F]{2}$/.test(t) ||
    /^([0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$/.test(t) ||
    /^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/.test(t)
  );
}
