/**
 * @module daemon/purge
 * `berth daemon purge`: remove everything an instance made, found by its names alone (the
 * daemon must be stopped): containers and their shims, root filesystem mounts, network
 * namespaces, bridges, berth's nft table, and the instance's state directories.
 */
import { readFile, rm } from 'node:fs/promises';
import { errorMessage, runAll } from '../lib/errors.js';
import { log } from '../lib/log.js';
import type { InstanceNames } from '../lib/names.js';
import { FileStore } from '../store/file.js';
import { runcDelete, runcList } from '../dataplane/runc.js';
import { mountsUnder, unmount } from '../dataplane/mount.js';
import { deleteNetns, listNetns } from '../dataplane/netns.js';
import { createDrivers, purgeHost } from '../drivers/registry.js';
import { NETWORK_PREFIX, type NetworkRecord } from '../engine/model.js';
import type { DaemonOptions } from './options.js';

export async function purgeInstance(names: InstanceNames, opts: DaemonOptions): Promise<void> {
  await refuseWhileRunning(names);
  const runcRoot = names.runcRoot();
  const containers = await runcList(runcRoot).catch(() => []);
  const networks = await storedNetworks(names);
  const drivers = createDrivers(names);
  await runAll(
    [
      ...containers.map((c) => () => runcDelete(runcRoot, c.id, { force: true })),
      async () => {
        for (const mount of (await mountsUnder(opts.dataRoot)).reverse()) await unmount(mount);
      },
      async () => {
        for (const ns of await listNetns(names.netnsPrefix())) await deleteNetns(ns);
      },
      ...networks.map((net) => async () => {
        const driver = drivers.get(net.driver);
        await driver?.deleteNetwork({
          id: net.id,
          name: net.name,
          driver: net.driver,
          internal: net.internal,
          subnets: net.ipamConfig.filter((c) => c.Subnet).map((c) => ({ subnet: c.Subnet!, ...(c.Gateway ? { gateway: c.Gateway } : {}) })),
          options: net.options,
          dns: false,
          ...(net.ifname ? { ifname: net.ifname } : {}),
        });
      }),
      () => purgeHost(names),
      () => rm(opts.runRoot, { recursive: true, force: true }),
      () => rm(opts.dataRoot, { recursive: true, force: true }),
    ],
    `purging instance "${names.prefix}"`,
  ).catch((err) => {
    log.error(errorMessage(err));
    throw err;
  });
}

async function storedNetworks(names: InstanceNames): Promise<NetworkRecord[]> {
  try {
    const store = await FileStore.open(names.storeDir());
    const list = (await store.list<NetworkRecord>(NETWORK_PREFIX)).map((e) => e.value);
    await store.close();
    return list;
  } catch {
    return [];
  }
}

async function refuseWhileRunning(names: InstanceNames): Promise<void> {
  try {
    const pid = Number((await readFile(names.pidFile(), 'utf8')).trim());
    if (pid) {
      process.kill(pid, 0);
      throw new Error(`the berth daemon (pid ${pid}) of instance "${names.prefix}" is running; stop it before purging`);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ESRCH') throw err;
  }
}
