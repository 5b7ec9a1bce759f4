/**
 * @module api/handlers/networks
 * /networks/* routes (moby daemon/server/router/network).
 */
import type { Engine } from '../../engine/engine.js';
import type { NetworkCreateRequest } from '../../engine/networks.js';
import type { EndpointConfig, NetworkRecord } from '../../engine/model.js';
import { invalidParameter, notFound } from '../../lib/errors.js';
import { networkJson } from '../shape/network.js';
import type { Handler, Router } from '../router.js';

export function registerNetworkRoutes(router: Router, engine: Engine): void {
  const { state } = engine.ctx;
  const withContainers = (net: NetworkRecord) =>
    networkJson({
      net,
      endpoints: state.endpointsOfNetwork(net.id).map((ep) => ({ ep, containerName: state.containers.get(ep.containerId)?.name ?? '' })),
    });

  const list: Handler = async (ctx) => {
    const nets = engine.networks.list(ctx.filters());
    // Docker lists networks without Containers since API 1.28 (inspect has them).
    return { status: 200, json: nets.map((net) => networkJson({ net })) };
  };

  const inspect: Handler = async (ctx) => {
    const scope = ctx.query.get('scope');
    const net = state.network(ctx.params.id!);
    if (scope && scope !== net.scope) throw notFound(`network ${ctx.params.id} not found`);
    return { status: 200, json: withContainers(net) };
  };

  const create: Handler = async (ctx) => {
    const body = await ctx.json<NetworkCreateRequest>();
    if (ctx.versionAtLeast('1.48') === false) body.EnableIPv4 = null;
    return { status: 201, json: await engine.networks.create(body) };
  };

  const remove: Handler = async (ctx) => {
    await engine.networks.remove(ctx.params.id!);
    return { status: 204 };
  };

  const connect: Handler = async (ctx) => {
    const body = await ctx.json<{ Container?: string; EndpointConfig?: EndpointConfig | null }>();
    if (!body.Container) throw invalidParameter('no container specified');
    await engine.connect(ctx.params.id!, body.Container, body.EndpointConfig ?? {});
    return { status: 200 };
  };

  const disconnect: Handler = async (ctx) => {
    const body = await ctx.json<{ Container?: string; Force?: boolean }>();
    if (!body.Container) throw invalidParameter('no container specified');
    await engine.disconnect(ctx.params.id!, body.Container, !!body.Force);
    return { status: 200 };
  };

  const prune: Handler = async (ctx) => {
    const deleted = await engine.networks.prune(ctx.filters());
    return { status: 200, json: { NetworksDeleted: deleted } };
  };

  router.add('GET', '/networks', list);
  router.add('GET', '/networks/', list);
  router.add('GET', '/networks/{id}', inspect);
  router.add('POST', '/networks/create', create);
  router.add('DELETE', '/networks/{id}', remove);
  router.add('POST', '/networks/{id}/connect', connect);
  router.add('POST', '/networks/{id}/disconnect', disconnect);
  router.add('POST', '/networks/prune', prune);
}
