/**
 * @module cli/commands/passthrough
 * Commands that take their arguments raw: `berth daemon` (the daemon, imported only when asked for
 * so the CLI stays light) and `berth compose`.
 */
import { StatusError, type Command } from '../command.js';

export const daemonCommand: Command = {
  name: 'daemon',
  short: 'Run the berth daemon (berthd)',
  async passthrough(_ctx, argv) {
    const { runDaemon } = (await import('../../daemon/main.js')) as { runDaemon: (argv: string[]) => Promise<void> };
    await runDaemon(argv);
    return 0;
  },
};

export const composeCommand: Command = {
  name: 'compose',
  short: 'Define and run multi-container applications',
  // Marks it as a management command in the root help.
  commands: [],
  async passthrough(ctx, argv) {
    const { composeMain } = await import('../compose/main.js');
    const endpoint = ctx.client().endpoint;
    if (!endpoint.socketPath) throw new StatusError(1, `berth compose needs a unix socket, not ${endpoint.url}`);
    return composeMain(argv, ctx.env, ctx.io, { socketPath: endpoint.socketPath, cwd: process.cwd() });
  },
};
