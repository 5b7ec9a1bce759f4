/**
 * @module compose/load
 * From files on disk to a validated Project, following compose-go's loader: find the file
 * (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml, searching parent
 * directories) and its override file, pick the project name (-p, COMPOSE_PROJECT_NAME, `name:`,
 * the directory's name normalised), interpolate, merge, normalise, and check consistency with
 * compose-go's messages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { invalidParameter, notFound } from '../../lib/errors.js';
import { checkCycle } from './graph.js';
import { interpolateTree, parseEnvFile, type Lookup } from './interpolate.js';
import { mergeFiles } from './merge.js';
import { INVALID_PROJECT, networkModeService, type Network, type Project, type Service } from './model.js';
import { normalizeNetwork } from './networks.js';
import { normalizeService } from './normalize.js';
import { asMap, checkKeys, sortedRecord, type Raw } from './values.js';

export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
const TOP_LEVEL = ['version', 'name', 'include', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'];

export interface LoadOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  files?: string[];
  projectName?: string;
  projectDirectory?: string;
  profiles?: string[];
  warn: (msg: string) => void;
}

/**
 * The compose files to read: -f, COMPOSE_FILE, or the first default name found from the project
 * directory (else cwd) upwards, with its override file.
 */
export function findComposeFiles(opts: Pick<LoadOptions, 'cwd' | 'env' | 'files' | 'warn' | 'projectDirectory'>): string[] {
  if (opts.files?.length) return opts.files.map((f) => (f === '-' ? f : resolve(opts.cwd, f)));
  const fromEnv = opts.env.COMPOSE_FILE;
  if (fromEnv) return fromEnv.split(opts.env.COMPOSE_PATH_SEPARATOR || ':').map((f) => resolve(opts.cwd, f));
  for (let dir = resolve(opts.cwd, opts.projectDirectory ?? '.'); ; dir = dirname(dir)) {
    const found = DEFAULT_FILES.map((n) => join(dir, n)).filter((p) => existsSync(p));
    if (found.length) {
      if (found.length > 1) opts.warn(`Found multiple config files with supported names: ${found.join(', ')}\nUsing ${found[0]}`);
      const override = OVERRIDE_FILES.map((n) => join(dir, n)).find((p) => existsSync(p));
      return override ? [found[0]!, override] : [found[0]!];
    }
    if (dirname(dir) === dir) throw notFound('no configuration file provided: not found');
  }
}

/** compose-go `NormalizeProjectName`: lowercase, keep [a-z0-9_-], trim leading `_`/`-`. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

function checkProjectName(name: string): string {
  if (normalizeProjectName(name) !== name) {
    throw invalidParameter(
      `invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    );
  }
  return name;
}

/** -p, then COMPOSE_PROJECT_NAME (environment or .env), then `name:`, then the directory's name. */
export function projectNameFor(opts: { projectName?: string; envName?: string; fileName?: string; workingDir: string }): string {
  let name: string;
  if (opts.projectName) name = checkProjectName(opts.projectName);
  else if (opts.envName) name = checkProjectName(opts.envName);
  else name = normalizeProjectName(opts.fileName || basename(opts.workingDir));
  if (!name) throw invalidParameter('project name must not be empty');
  return name;
}

/** The project's environment: the process's, over the `.env` file in the project directory. */
export function projectEnvironment(workingDir: string, env: NodeJS.ProcessEnv): Lookup {
  const file = join(workingDir, '.env');
  const dotenv = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8'), file) : {};
  return (name) => env[name] ?? dotenv[name] ?? undefined;
}

function readYaml(file: string, stdin: () => string): Raw {
  const text = file === '-' ? stdin() : readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = parse(text, { merge: true, uniqueKeys: true, maxAliasCount: 10_000 });
  } catch (err) {
    // go-yaml's shape, "yaml: line N: message", with the yaml package's message.
    const e = err as Error & { linePos?: Array<{ line: number }> };
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw invalidParameter(`${file}: yaml: ${e.linePos?.[0] ? `line ${e.linePos[0].line}: ` : ''}${message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw invalidParameter(`${file}: top-level object must be a mapping`);
  return doc as Raw;
}

export function loadProject(opts: LoadOptions, stdin: () => string = () => ''): Project {
  const files = findComposeFiles(opts);
  for (const f of files) if (f !== '-' && !existsSync(f)) throw notFound(`open ${f}: no such file or directory`);
  const workingDir = resolve(opts.cwd, opts.projectDirectory ?? (files[0] === '-' ? opts.cwd : dirname(files[0]!)));
  const lookup = projectEnvironment(workingDir, opts.env);
  const raws = files.map((f) => {
    const raw = readYaml(f, stdin);
    checkKeys(raw, TOP_LEVEL, `validating ${f}: (root)`);
    if ('version' in raw) opts.warn(`${f}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
    if ('include' in raw) throw invalidParameter(`${f}: \`include\` is not supported by berth compose`);
    return interpolateTree(raw, lookup, opts.warn) as Raw;
  });
  const merged = mergeFiles(raws);
  const fileName = typeof merged.name === 'string' ? merged.name : undefined;
  const name = projectNameFor({ projectName: opts.projectName, envName: lookup('COMPOSE_PROJECT_NAME'), fileName, workingDir });
  for (const key of ['volumes', 'secrets', 'configs', 'models']) {
    if (merged[key] && Object.keys(asMap(merged[key], key)).length) opts.warn(`top-level \`${key}\` is not supported by berth compose and is ignored`);
  }
  const project = buildProject(merged, { name, workingDir, files, lookup, opts });
  checkConsistency(project);
  return project;
}

function buildProject(
  merged: Raw,
  ctx: { name: string; workingDir: string; files: string[]; lookup: Lookup; opts: LoadOptions },
): Project {
  const normCtx = { workingDir: ctx.workingDir, lookup: ctx.lookup, warn: ctx.opts.warn };
  const all: Record<string, Service> = {};
  for (const [key, raw] of Object.entries(asMap(merged.services, 'services'))) {
    if (!/^[a-zA-Z0-9._-]+$/.test(key)) throw invalidParameter(`services additional properties '${key}' not allowed`);
    all[key] = normalizeService(key, raw, normCtx);
  }
  // The implicit `default` network: every service that names none (and has no network_mode) joins it.
  for (const s of Object.values(all)) if (!s.network_mode && !Object.keys(s.networks ?? {}).length) s.networks = { default: null };
  const rawNetworks = asMap(merged.networks, 'networks');
  const usesDefault = Object.values(all).some((s) => s.networks && 'default' in s.networks);
  if (usesDefault && !('default' in rawNetworks)) rawNetworks.default = null;
  const networks: Record<string, Network> = {};
  for (const [key, raw] of Object.entries(rawNetworks)) networks[key] = normalizeNetwork(key, raw, ctx.name, ctx.opts.warn);
  const profiles = ctx.opts.profiles ?? (ctx.lookup('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const services: Record<string, Service> = {};
  const disabled: Record<string, Service> = {};
  for (const [key, s] of Object.entries(all)) {
    const enabled = !s.profiles?.length || s.profiles.includes('*') || s.profiles.some((p) => profiles.includes(p));
    (enabled ? services : disabled)[key] = s;
  }
  const project: Project = {
    name: ctx.name,
    working_dir: ctx.workingDir,
    compose_files: ctx.files,
    services: sortedRecord(services),
    networks: sortedRecord(networks),
  };
  if (Object.keys(disabled).length) project.disabled_services = sortedRecord(disabled);
  return project;
}

/** compose-go `checkConsistency`, for the parts of the model berth has. */
export function checkConsistency(project: Project): void {
  for (const s of Object.values(project.services)) {
    for (const key of Object.keys(s.networks ?? {})) {
      if (!project.networks[key]) throw invalidParameter(`service "${s.name}" refers to undefined network ${key}: ${INVALID_PROJECT}`);
    }
    for (const [dep, cfg] of Object.entries(s.depends_on ?? {})) {
      if (project.services[dep]) continue;
      const off = project.disabled_services?.[dep];
      if (off && !cfg.required) continue;
      if (off) throw invalidParameter(`service "${dep}" is required by "${s.name}" but is disabled. Can be enabled by profiles [${off.profiles?.join(' ')}]`);
      throw invalidParameter(`service "${s.name}" depends on undefined service "${dep}": ${INVALID_PROJECT}`);
    }
    const shared = networkModeService(s);
    if (shared && !project.services[shared]) throw invalidParameter(`service "${shared}" not found for network_mode 'service:${shared}'`);
  }
  checkCycle(project.services);
}
