/**
 * @module cli/commands/container/create
 * `berth create` and the create step of `run` (docker/cli container/create.go): POST
 * /containers/create?name=..., and when the image is missing (404 "No such image") print
 * `Unable to find image 'busybox:latest' locally`, ask the daemon to pull it (POST /images/create),
 * and try once more.
 */
import type { ParsedArgs } from '../../args.js';
import { DaemonError } from '../../client.js';
import { StatusError, withHelp, type Command, type Context } from '../../command.js';
import { displayJsonMessages } from '../../jsonmessage.js';
import { familiarString, fullName, isImageId, parseNormalizedNamed, tagNameOnly, type ImageRef } from '../../opts/reference.js';
import { buildContainerRequest, type ContainerRequest } from './config.js';
import { CREATE_FLAGS } from './flags.js';
import { consoleSize } from './session.js';

export interface CreateOptions {
  name: string;
  pull: string;
  quiet: boolean;
  platform: string;
}

/** docker's validatePullOpt. */
export function validatePullOpt(val: string): void {
  if (!['always', 'missing', 'never', ''].includes(val)) {
    throw new Error(`invalid pull option: '${val}': must be one of "always", "missing" or "never"`);
  }
}

export function createOptions(p: ParsedArgs): CreateOptions {
  return { name: p.string('name'), pull: p.string('pull'), quiet: p.bool('quiet'), platform: p.string('platform') };
}

/** Ping, then parse the flags; parse errors exit 125 with docker's "Run '... --help'" suffix. */
export async function parseForCreate(ctx: Context, p: ParsedArgs, command: 'run' | 'create'): Promise<ContainerRequest> {
  try {
    validatePullOpt(p.string('pull'));
  } catch (err) {
    throw new StatusError(125, withHelp((err as Error).message, command));
  }
  await ctx.client().ping();
  const [image, ...args] = p.args;
  try {
    return buildContainerRequest(p, image!, args, { env: ctx.env, cwd: process.cwd(), consoleSize: consoleSize(ctx.io) });
  } catch (err) {
    throw new StatusError(125, withHelp((err as Error).message, command));
  }
}

/** POST /images/create?fromImage=...&tag=..., progress on stderr (or nowhere with -q). */
export async function pullImage(ctx: Context, ref: ImageRef, quiet: boolean): Promise<void> {
  const res = await ctx.client().stream('POST', '/images/create', {
    query: { fromImage: fullName(ref), tag: ref.digest ?? ref.tag ?? 'latest' },
  });
  await displayJsonMessages(res, quiet ? undefined : ctx.io.stderr);
}

/** createContainer: the new container's ID. Errors are thrown as they come (callers decorate). */
export async function createContainer(ctx: Context, req: ContainerRequest, opts: CreateOptions): Promise<string> {
  const client = ctx.client();
  let named: ImageRef | undefined;
  if (!isImageId(req.image)) named = tagNameOnly(parseNormalizedNamed(req.image));
  if (opts.pull === 'always' && named) await pullImage(ctx, named, opts.quiet);
  const send = () => client.post<{ Id: string; Warnings?: string[] | null }>('/containers/create', { query: { name: opts.name || undefined }, json: req.body });
  let res: { Id: string; Warnings?: string[] | null };
  try {
    res = await send();
  } catch (err) {
    const missingImage = err instanceof DaemonError && err.status === 404 && /^No such image/.test(err.daemonMessage);
    if (!missingImage || !named || opts.pull !== 'missing') throw err;
    if (!opts.quiet) ctx.err(`Unable to find image '${familiarString(named)}' locally\n`);
    await pullImage(ctx, named, opts.quiet);
    res = await send();
  }
  for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  return res.Id;
}

export const createCommand: Command = {
  name: 'create',
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  aliasesText: 'berth container create, berth create',
  flags: CREATE_FLAGS,
  args: { min: 1 },
  interspersed: false,
  async run(ctx, p) {
    const req = await parseForCreate(ctx, p, 'create');
    ctx.out(`${await createContainer(ctx, req, createOptions(p))}\n`);
  },
};
