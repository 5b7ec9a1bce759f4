/**
 * @module drivers/host
 * The "host" driver: containers use the host's network stack; there is no sandbox and nothing
 * to join. The engine never joins it; if it tries, it gets Docker's error.
 */
import { forbidden } from '../lib/errors.js';
import type { NetworkDriver } from './driver.js';

export class HostDriver implements NetworkDriver {
  readonly type = 'host';
  validate(): void {}
  async createNetwork(): Promise<{ ifname?: string }> {
    return {};
  }
  async deleteNetwork(): Promise<void> {}
  async join(): Promise<void> {
    throw forbidden('container cannot be disconnected from host network or connected to host network');
  }
  async leave(): Promise<void> {}
  async restoreNetwork(): Promise<void> {}
}
