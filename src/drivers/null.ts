/**
 * @module drivers/null
 * The "null" driver (network `none`): the container gets its own namespace with loopback only,
 * which the sandbox creation already provides. Nothing to create, join or delete.
 */
import type { NetworkDriver } from './driver.js';

export class NullDriver implements NetworkDriver {
  readonly type = 'null';
  validate(): void {}
  async createNetwork(): Promise<{ ifname?: string }> {
    return {};
  }
  async deleteNetwork(): Promise<void> {}
  async join(): Promise<void> {}
  async leave(): Promise<void> {}
  async restoreNetwork(): Promise<void> {}
}
