/**
 * @module api/routes
 * Every Engine API route berth serves, registered on one router.
 */
import type { Engine } from '../engine/engine.js';
import type { Router } from './router.js';
import { registerContainerRoutes } from './handlers/containers.js';
import { registerExecRoutes } from './handlers/exec.js';
import { registerImageRoutes } from './handlers/images.js';
import { registerNetworkRoutes } from './handlers/networks.js';
import { registerSystemRoutes, type ServerInfo } from './handlers/system.js';

export function registerRoutes(router: Router, engine: Engine, info: ServerInfo): void {
  registerSystemRoutes(router, engine, info);
  registerContainerRoutes(router, engine);
  registerExecRoutes(router, engine);
  registerImageRoutes(router, engine);
  registerNetworkRoutes(router, engine);
}
