/**
 * @module api/handlers/system
 * /version, /info and /events.
 */
import { cpus, release, totalmem, hostname, arch } from 'node:os';
import type { Engine } from '../../engine/engine.js';
import type { EngineEvent } from '../../engine/events.js';
import type { Handler, Router } from '../router.js';

export interface ServerInfo {
  version: string;
  apiVersion: string;
  minApiVersion: string;
  gitCommit: string;
  buildTime: string;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export function versionJson(info: ServerInfo): Record<string, unknown> {
  const details = {
    ApiVersion: info.apiVersion,
    Arch: GOARCH[arch()] ?? arch(),
    BuildTime: info.buildTime,
    Experimental: 'false',
    GitCommit: info.gitCommit,
    GoVersion: `node${process.versions.node}`,
    KernelVersion: release(),
    MinAPIVersion: info.minApiVersion,
    Os: 'linux',
  };
  return {
    Platform: { Name: 'berth' },
    Components: [{ Name: 'Engine', Version: info.version, Details: details }],
    Version: info.version,
    ApiVersion: info.apiVersion,
    MinAPIVersion: info.minApiVersion,
    GitCommit: info.gitCommit,
    GoVersion: details.GoVersion,
    Os: 'linux',
    Arch: details.Arch,
    KernelVersion: details.KernelVersion,
    BuildTime: info.buildTime,
  };
}

export function registerSystemRoutes(router: Router, engine: Engine, info: ServerInfo): void {
  const version: Handler = async () => ({ status: 200, json: versionJson(info) });

  const systemInfo: Handler = async () => {
    const containers = [...engine.ctx.state.containers.values()];
    const running = containers.filter((c) => c.state.Running).length;
    const paused = containers.filter((c) => c.state.Paused).length;
    return {
      status: 200,
      json: {
        ID: engine.ctx.names.prefix,
        Containers: containers.length,
        ContainersRunning: running,
        ContainersPaused: paused,
        ContainersStopped: containers.length - running - paused,
        Images: engine.images.list().length,
        Driver: 'overlay',
        DriverStatus: [['Backing Filesystem', 'overlayfs']],
        Plugins: { Volume: [], Network: ['bridge', 'host', 'null'], Authorization: null, Log: [] },
        MemoryLimit: false,
        SwapLimit: false,
        CpuCfsPeriod: false,
        CpuCfsQuota: false,
        CPUShares: false,
        CPUSet: false,
        PidsLimit: false,
        IPv4Forwarding: true,
        Debug: false,
        NFd: 0,
        OomKillDisable: false,
        NGoroutines: 0,
        SystemTime: new Date().toISOString(),
        LoggingDriver: 'berth-shim',
        CgroupDriver: 'none',
        CgroupVersion: '1',
        NEventsListener: 0,
        KernelVersion: release(),
        OperatingSystem: 'Linux',
        OSVersion: '',
        OSType: 'linux',
        Architecture: arch() === 'x64' ? 'x86_64' : arch(),
        IndexServerAddress: '',
        RegistryConfig: null,
        NCPU: cpus().length,
        MemTotal: totalmem(),
        GenericResources: null,
        DockerRootDir: engine.ctx.names.opts.dataRoot,
        HttpProxy: '',
        HttpsProxy: '',
        NoProxy: '',
        Name: hostname(),
        Labels: [],
        ExperimentalBuild: false,
        ServerVersion: info.version,
        Runtimes: { runc: { path: engine.ctx.opts.runtimePath } },
        DefaultRuntime: 'runc',
        Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
        LiveRestoreEnabled: true,
        Isolation: '',
        InitBinary: '',
        SecurityOptions: [],
        Warnings: null,
      },
    };
  };

  const events: Handler = async (ctx) => {
    const filters = ctx.filters();
    const until = ctx.query.get('until');
    const untilMs = until ? Number(until) * 1000 : undefined;
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = engine.events.subscribe((e) => {
      if (!eventMatches(e, filters)) return;
      queue.push(e);
      wake?.();
    });
    const stream = (async function* () {
      try {
        while (!ctx.signal.aborted) {
          if (!queue.length) {
            const timeout = untilMs !== undefined ? Math.max(0, untilMs - Date.now()) : undefined;
            if (timeout === 0) return;
            await new Promise<void>((resolve) => {
              wake = resolve;
              ctx.signal.addEventListener('abort', () => resolve(), { once: true });
              if (timeout !== undefined) setTimeout(resolve, timeout).unref();
            });
            wake = undefined;
          }
          while (queue.length) yield JSON.stringify(queue.shift()) + '\n';
        }
      } finally {
        unsubscribe();
      }
    })();
    return { status: 200, contentType: 'application/json', stream };
  };

  router.add('GET', '/version', version);
  router.add('GET', '/info', systemInfo);
  router.add('GET', '/events', events);
}

function eventMatches(e: EngineEvent, filters: Map<string, string[]>): boolean {
  const want = (key: string, value: string | undefined) => !filters.has(key) || (value !== undefined && filters.get(key)!.includes(value));
  const attrs = e.Actor.Attributes;
  return (
    want('type', e.Type) &&
    want('event', e.Action) &&
    (!filters.has('container') || (e.Type === 'container' && (filters.get('container')!.includes(e.Actor.ID) || filters.get('container')!.includes(attrs.name ?? '')))) &&
    (!filters.has('network') || (e.Type === 'network' && (filters.get('network')!.includes(e.Actor.ID) || filters.get('network')!.includes(attrs.name ?? ''))))
  );
}
