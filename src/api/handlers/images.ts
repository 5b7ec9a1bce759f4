/**
 * @module api/handlers/images
 * /images/* routes. berth has no registry: pulls fail with a clear message; images come from
 * `load` (docker save / OCI archives) and `import` (rootfs tarballs).
 */
import type { Engine } from '../../engine/engine.js';
import { notFound } from '../../lib/errors.js';
import type { ImageRecord } from '../../runtime/images/store.js';
import type { Handler, Router } from '../router.js';

/** Docker's progress stream line: one JSON object per line, CRLF-terminated. */
const jsonLine = (obj: object) => JSON.stringify(obj) + '\r\n';

export function registerImageRoutes(router: Router, engine: Engine): void {
  const summary = (img: ImageRecord) => ({
    Containers: -1,
    Created: Math.floor(Date.parse(img.created) / 1000),
    Id: img.id,
    Labels: img.config.Labels ?? null,
    ParentId: '',
    RepoDigests: img.repoDigests,
    RepoTags: img.repoTags,
    SharedSize: -1,
    Size: img.size,
  });

  const list: Handler = async (ctx) => {
    const filters = ctx.filters();
    const refs = filters.get('reference') ?? [];
    const dangling = filters.get('dangling');
    let images = engine.images.list();
    if (refs.length) images = images.filter((img) => img.repoTags.some((t) => refs.some((r) => matchReference(r, t))));
    if (dangling?.includes('true')) images = images.filter((img) => img.repoTags.length === 0);
    if (dangling?.includes('false')) images = images.filter((img) => img.repoTags.length > 0);
    images.sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    return { status: 200, json: images.map(summary) };
  };

  const create: Handler = async (ctx) => {
    const fromImage = ctx.query.get('fromImage');
    if (fromImage) {
      const name = fromImage.replace(/:$/, '').replace(/^docker\.io\/(library\/)?/, '');
      throw notFound(`pull access denied for ${name}: berth has no registry access; load the image with "berth load" or "berth image import"`);
    }
    const repo = ctx.query.get('repo') ?? '';
    const tag = ctx.query.get('tag') ?? '';
    const reference = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
    const src = ctx.query.get('fromSrc') ?? '-';
    if (src !== '-') throw notFound('berth imports only from the request body (fromSrc=-): it has no network access');
    const img = await engine.images.import(ctx.bodyStream(), {
      ...(reference ? { reference } : {}),
      changes: ctx.query.getAll('changes'),
      message: ctx.query.get('message') || `Imported from ${src}`,
    });
    return { status: 200, contentType: 'application/json', body: jsonLine({ status: img.id }) };
  };

  const load: Handler = async (ctx) => {
    const messages = await engine.images.load(ctx.bodyStream());
    return { status: 200, contentType: 'application/json', body: messages.map((m) => jsonLine({ stream: `${m}\n` })).join('') };
  };

  const inspect: Handler = async (ctx) => {
    return { status: 200, json: engine.images.inspect(engine.images.resolve(ctx.params.name!)) };
  };

  const remove: Handler = async (ctx) => {
    const result = await engine.images.remove(ctx.params.name!, {
      force: ctx.boolQuery('force', false),
      inUse: (id) => engine.containerUsingImage(id),
    });
    return { status: 200, json: result };
  };

  const tag: Handler = async (ctx) => {
    const repo = ctx.query.get('repo') ?? '';
    const t = ctx.query.get('tag') ?? '';
    await engine.images.tag(ctx.params.name!, t ? `${repo}:${t}` : repo);
    return { status: 201 };
  };

  router.add('GET', '/images/json', list);
  router.add('POST', '/images/create', create);
  router.add('POST', '/images/load', load);
  router.add('GET', '/images/{name*}/json', inspect);
  router.add('DELETE', '/images/{name*}', remove);
  router.add('POST', '/images/{name*}/tag', tag);
}

/** `reference` filter: a name[:tag] pattern with shell-style wildcards, matched against tags. */
function matchReference(pattern: string, tag: string): boolean {
  const withTag = pattern.includes(':') ? pattern : `${pattern}:*`;
  const re = new RegExp(`^${withTag.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
  return re.test(tag);
}
