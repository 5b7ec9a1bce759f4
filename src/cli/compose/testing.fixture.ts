/**
 * Test helpers for the compose commands: a project directory from YAML text, and composeMain run
 * against a FakeEngine with its output collected.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import type { FakeEngine } from './fake-engine.fixture.js';
import { composeMain } from './main.js';

/** The fixtures in the source tree (tests also run compiled, from dist/, where they are not copied). */
export const TESTDATA = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'src', 'cli', 'compose', 'testdata');
})();

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const made: string[] = [];
process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh directory `<tmp>/<name>` holding compose.yaml (and any other files given); removed at exit. */
export function projectDir(yaml: string, name = 'app', files: Record<string, string> = {}): string {
  const parent = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  made.push(parent);
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'compose.yaml'), yaml);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

export async function compose(fake: FakeEngine, cwd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; input?: string } = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const stdin = new PassThrough();
  stdin.end(opts.input ?? '');
  const code = await composeMain(args, opts.env ?? {}, { stdin, stdout, stderr }, {
    socketPath: fake.socketPath,
    cwd,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
