/**
 * @module api/builtin
 * Routes the HTTP layer answers itself: /_ping (GET and HEAD), which every Docker client calls
 * first to learn the API version, and OPTIONS on any path (moby's system router).
 */
import type { ServerVersion } from './dispatch.js';
import type { Handler } from './context.js';
import type { Router } from './router.js';

export function registerBuiltinRoutes(router: Router, version: Required<ServerVersion>): void {
  const pingHeaders = {
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Builder-Version': version.builderVersion,
    Swarm: 'inactive',
  };
  const ping: Handler = async (ctx) => ({
    status: 200,
    // HEAD answers with an explicit empty body, as moby's pingHandler does.
    body: ctx.method === 'HEAD' ? '' : 'OK',
    contentType: 'text/plain; charset=utf-8',
    headers: pingHeaders,
  });
  const options: Handler = async () => ({ status: 200 });

  if (!router.has('GET', '/_ping')) router.add('GET', '/_ping', ping);
  if (!router.has('HEAD', '/_ping')) router.add('HEAD', '/_ping', ping);
  if (!router.has('OPTIONS', '/{anyroute*}')) router.add('OPTIONS', '/{anyroute*}', options);
}
