/**
 * @module cli/commands/image
 * `berth images`, `image ls/rm/inspect/import/load/tag` (docker/cli cli/command/image/*.go and
 * formatter/image.go, docker 28). berth has no registry: images arrive with `load` (docker save or
 * OCI archives) and `import` (root filesystem tarballs).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { isBerthError } from '../../lib/errors.js';
import { DaemonError } from '../client.js';
import { FORMAT_HELP, INSPECT_FORMAT_HELP, StatusError, boolFlag, filterFlag, listFlag, stringFlag, stringsFlag, type Command, type Context } from '../command.js';
import { goUnixTimeString, humanSizeWithPrecision, runningFor, truncateId } from '../format/display.js';
import { DEFAULT_IMAGE_TABLE_FORMAT, DEFAULT_QUIET_FORMAT, IMAGE_CONTEXT_TYPE, IMAGE_HEADERS, formatList } from '../format/table.js';
import { getRaw, inspectAll } from '../inspect.js';
import { displayJsonMessages } from '../jsonmessage.js';
import { filtersJson, parseFilters } from '../opts/filters.js';
import { fileError } from '../opts/kv.js';
import { familiarName, fullName, parseNormalizedNamed, tagNameOnly } from '../opts/reference.js';

interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: number;
  Size?: number;
  SharedSize?: number;
  Containers?: number;
  Labels?: Record<string, string> | null;
}

const DIGEST_TABLE_FORMAT = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

function imageContext(img: ImageSummary, repo: string, tag: string, digest: string, trunc: boolean, now: number): object {
  const size = img.Size ?? 0;
  const shared = img.SharedSize ?? -1;
  return {
    ID: trunc ? truncateId(img.Id) : img.Id,
    Repository: repo,
    Tag: tag,
    Digest: digest,
    CreatedSince: runningFor((img.Created ?? 0) * 1000, now),
    CreatedAt: goUnixTimeString(img.Created ?? 0),
    Size: humanSizeWithPrecision(size, 3),
    Containers: img.Containers === undefined || img.Containers === -1 ? 'N/A' : String(img.Containers),
    VirtualSize: humanSizeWithPrecision(size, 4),
    SharedSize: shared === -1 ? 'N/A' : humanSizeWithPrecision(shared, 4),
    UniqueSize: size === -1 || shared === -1 ? 'N/A' : humanSizeWithPrecision(size - shared, 4),
  };
}

const isDangling = (img: ImageSummary) =>
  (!img.RepoTags?.length && !img.RepoDigests?.length) ||
  (img.RepoTags?.length === 1 && img.RepoTags[0] === '<none>:<none>' && img.RepoDigests?.length === 1 && img.RepoDigests[0] === '<none>@<none>');

/** imageFormatTaggedAndDigest: one row per repository and tag (and digest when shown). */
function imageRows(img: ImageSummary, showDigests: boolean, trunc: boolean, now: number): object[] {
  if (isDangling(img)) return [imageContext(img, '<none>', '<none>', '<none>', trunc, now)];
  const tags = new Map<string, string[]>();
  const digests = new Map<string, string[]>();
  for (const ref of img.RepoTags ?? []) {
    try {
      const r = parseNormalizedNamed(ref);
      if (r.tag !== undefined) tags.set(familiarName(r), [...(tags.get(familiarName(r)) ?? []), r.tag]);
    } catch {
      // docker skips references it cannot parse
    }
  }
  for (const ref of img.RepoDigests ?? []) {
    try {
      const r = parseNormalizedNamed(ref);
      if (r.digest !== undefined) digests.set(familiarName(r), [...(digests.get(familiarName(r)) ?? []), r.digest]);
    } catch {
      // skipped as above
    }
  }
  const rows: object[] = [];
  for (const [repo, repoTags] of tags) {
    const ds = showDigests ? (digests.get(repo) ?? []) : [];
    digests.delete(repo);
    for (const tag of repoTags) {
      if (ds.length === 0) rows.push(imageContext(img, repo, tag, '<none>', trunc, now));
      for (const d of ds) rows.push(imageContext(img, repo, tag, d, trunc, now));
    }
  }
  for (const [repo, ds] of digests) {
    if (showDigests) ds.forEach((d) => rows.push(imageContext(img, repo, '<none>', d, trunc, now)));
    else rows.push(imageContext(img, repo, '<none>', '', trunc, now));
  }
  return rows;
}

function imageFormat(format: string, quiet: boolean, digests: boolean): string {
  if (format === '' || format === 'table') return quiet ? DEFAULT_QUIET_FORMAT : digests ? DIGEST_TABLE_FORMAT : DEFAULT_IMAGE_TABLE_FORMAT;
  if (format.startsWith('table') && digests && !format.includes('{{.Digest}}')) return `${format}\t{{.Digest}}`;
  return quiet ? DEFAULT_QUIET_FORMAT : format;
}

const lsFlags = [
  boolFlag('quiet', 'q', 'Only show image IDs'),
  boolFlag('all', 'a', 'Show all images (default hides intermediate images)'),
  boolFlag('no-trunc', undefined, "Don't truncate output"),
  boolFlag('digests', undefined, 'Show digests'),
  stringFlag('format', undefined, FORMAT_HELP),
  filterFlag('filter', 'f', 'Filter output based on conditions provided'),
  boolFlag('tree', undefined, 'List multi-platform images as a tree (EXPERIMENTAL)'),
];

async function listImages(ctx: Context, p: import('../args.js').ParsedArgs): Promise<void> {
  if (p.bool('tree')) throw new StatusError(1, 'berth does not support --tree');
  const filters = parseFilters(p.list('filter'));
  if (p.args[0]) filters.set('reference', [...(filters.get('reference') ?? []), p.args[0]]);
  const images = await ctx.client().get<ImageSummary[]>('/images/json', { all: p.bool('all') || undefined, filters: filtersJson(filters) });
  const format = imageFormat(p.string('format'), p.bool('quiet'), p.bool('digests'));
  const showDigests = p.bool('digests') || format.includes('{{.Digest}}');
  const now = Date.now();
  const rows = images.flatMap((img) => imageRows(img, showDigests, !p.bool('no-trunc'), now));
  try {
    ctx.out(formatList(format, rows, { ...IMAGE_HEADERS, VirtualSize: 'SIZE' }, { typeName: IMAGE_CONTEXT_TYPE }));
  } catch (err) {
    if (isBerthError(err)) throw new StatusError(1, err.message);
    throw err;
  }
}

export const imagesCommand: Command = {
  name: 'images',
  use: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  aliasesText: 'berth image ls, berth image list, berth images',
  flags: lsFlags,
  args: { max: 1 },
  run: (ctx, p) => listImages(ctx, p),
};

const lsCommand: Command = { ...imagesCommand, name: 'ls', aliases: ['list'] };

// --- rm ---------------------------------------------------------------------------------------

export const rmiCommand: Command = {
  name: 'rmi',
  use: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  aliasesText: 'berth image rm, berth image remove, berth rmi',
  flags: [
    boolFlag('force', 'f', 'Force removal of the image'),
    boolFlag('no-prune', undefined, 'Do not delete untagged parents'),
    stringsFlag('platform', undefined, 'Remove only the given platform variant. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")'),
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const query = { force: p.bool('force') || undefined, noprune: p.bool('no-prune') || undefined };
    const errors: string[] = [];
    let fatal = false;
    for (const img of p.args) {
      try {
        const items = await ctx.client().json<Array<{ Untagged?: string; Deleted?: string }>>('DELETE', `/images/${img}`, { query });
        for (const item of items ?? []) ctx.out(item.Deleted ? `Deleted: ${item.Deleted}\n` : `Untagged: ${item.Untagged ?? ''}\n`);
      } catch (err) {
        if (!(err instanceof DaemonError && err.notFound)) fatal = true;
        errors.push((err as Error).message);
      }
    }
    if (errors.length === 0) return;
    if (!p.bool('force') || fatal) throw new StatusError(1, errors.join('\n'));
    ctx.err(`${errors.join('\n')}\n`);
  },
};

const rmCommand: Command = { ...rmiCommand, name: 'rm', aliases: ['remove', 'rmi'], use: '[OPTIONS] IMAGE [IMAGE...]' };

// --- inspect, tag -----------------------------------------------------------------------------

const inspectCommand: Command = {
  name: 'inspect',
  use: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Display detailed information on one or more images',
  flags: [stringFlag('format', 'f', INSPECT_FORMAT_HELP), stringFlag('platform', undefined, 'Inspect a specific platform of the multi-platform image.')],
  args: { min: 1 },
  async run(ctx, p) {
    await inspectAll(ctx, p.args, p.string('format'), (ref) => getRaw(ctx, `/images/${ref}/json`));
  },
};

export const tagCommand: Command = {
  name: 'tag',
  use: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  aliasesText: 'berth image tag, berth tag',
  args: { exact: 2 },
  interspersed: false,
  async run(ctx, p) {
    const [source, target] = p.args as [string, string];
    let ref;
    try {
      ref = parseNormalizedNamed(target);
    } catch (err) {
      throw new StatusError(1, `Error parsing reference: ${JSON.stringify(target)} is not a valid repository/tag: ${(err as Error).message}`);
    }
    if (ref.digest) throw new StatusError(1, 'refusing to create a tag with a digest reference');
    const tagged = tagNameOnly(ref);
    await ctx.client().request('POST', `/images/${source}/tag`, { query: { repo: fullName(tagged), tag: tagged.tag } });
  },
};

// --- import, load -----------------------------------------------------------------------------

function openInput(path: string, stdin: Readable): Promise<Readable> {
  if (path === '-') return Promise.resolve(stdin);
  return new Promise((resolve, reject) => {
    const file = createReadStream(path);
    file.once('open', () => resolve(file));
    file.once('error', (err) => reject(fileError(err, path)));
  });
}

export const importCommand: Command = {
  name: 'import',
  use: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  short: 'Import the contents from a tarball to create a filesystem image',
  aliasesText: 'berth image import, berth import',
  flags: [
    listFlag('change', 'c', 'Apply Dockerfile instruction to the created image'),
    stringFlag('message', 'm', 'Set commit message for imported image'),
    stringFlag('platform', undefined, 'Set platform if server is multi-platform capable'),
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const [source, ref] = p.args as [string, string?];
    if (ref) parseNormalizedNamed(ref);
    const isUrl = /^https?:\/\//.test(source);
    const body = isUrl ? undefined : await openInput(source, ctx.io.stdin);
    const res = await ctx.client().stream('POST', '/images/create', {
      query: { fromSrc: isUrl ? source : '-', repo: ref || undefined, message: p.string('message') || undefined, changes: p.list('change') },
      ...(body ? { raw: body, headers: { 'Content-Type': 'text/plain' } } : {}),
    });
    await displayJsonMessages(res, ctx.io.stdout);
  },
};

export const loadCommand: Command = {
  name: 'load',
  use: '[OPTIONS]',
  short: 'Load an image from a tar archive or STDIN',
  aliasesText: 'berth image load, berth load',
  flags: [
    stringFlag('input', 'i', 'Read from tar archive file, instead of STDIN'),
    boolFlag('quiet', 'q', 'Suppress the load output'),
    stringFlag('platform', undefined, 'Load only the given platform variant. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")'),
  ],
  args: { none: true },
  async run(ctx, p) {
    const input = p.string('input');
    if (!input && ctx.io.stdin.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty');
    const body = await openInput(input || '-', ctx.io.stdin);
    const quiet = p.bool('quiet') || !ctx.io.stdout.isTTY;
    const res = await ctx.client().stream('POST', '/images/load', { query: { quiet: quiet || undefined }, raw: body });
    if (String(res.headers['content-type'] ?? '').includes('json')) await displayJsonMessages(res, ctx.io.stdout);
    else for await (const chunk of res as AsyncIterable<Buffer>) ctx.io.stdout.write(chunk);
  },
};

export const imageCommand: Command = {
  name: 'image',
  short: 'Manage images',
  commands: [importCommand, inspectCommand, loadCommand, lsCommand, rmCommand, tagCommand],
};
