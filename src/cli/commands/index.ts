/**
 * @module cli/commands/index
 * The command tree: docker's top-level shortcuts, the container/image/network/system management
 * commands, and berth's own `daemon` and `compose`.
 */
import type { FlagSpec } from '../args.js';
import { boolFlag, listFlag, stringFlag, type Command } from '../command.js';
import { createCommand } from './container/create.js';
import { execCommand } from './container/exec.js';
import { killCommand, renameCommand, restartCommand, rmCommand, stopCommand, waitCommand } from './container/lifecycle.js';
import { logsCommand } from './container/logs.js';
import { portCommand, topCommand } from './container/port.js';
import { psCommand } from './container/ps.js';
import { runCommand } from './container/run.js';
import { attachCommand, startCommand } from './container/start.js';
import { composeCommand, daemonCommand } from './passthrough.js';
import { imageCommand, imagesCommand, importCommand, loadCommand, rmiCommand, tagCommand } from './image.js';
import { networkCommand } from './network.js';
import { containerInspectCommand, infoCommand, inspectCommand, systemCommand, versionCommand } from './system.js';

export const ROOT_FLAGS: FlagSpec[] = [
  stringFlag('config', undefined, 'Location of client config files'),
  stringFlag('context', 'c', 'Name of the context to use to connect to the daemon (ignored by berth)'),
  boolFlag('debug', 'D', 'Enable debug mode'),
  listFlag('host', 'H', 'Daemon socket to connect to'),
  stringFlag('log-level', 'l', 'Set the logging level ("debug", "info", "warn", "error", "fatal")', { value: 'info' }),
  boolFlag('version', 'v', 'Print version information and quit'),
];

const containerCommand: Command = {
  name: 'container',
  short: 'Manage containers',
  commands: [
    attachCommand,
    createCommand,
    execCommand,
    containerInspectCommand,
    killCommand,
    logsCommand,
    { ...psCommand, name: 'ls', aliases: ['ps', 'list'] },
    portCommand,
    renameCommand,
    restartCommand,
    rmCommand,
    runCommand,
    startCommand,
    stopCommand,
    topCommand,
    waitCommand,
  ],
};

export const rootCommand: Command = {
  name: 'berth',
  short: "A self-sufficient runtime for containers, with Docker's networking",
  commands: [
    // Management commands
    composeCommand,
    containerCommand,
    imageCommand,
    networkCommand,
    systemCommand,
    // Commands
    attachCommand,
    createCommand,
    daemonCommand,
    execCommand,
    imagesCommand,
    importCommand,
    infoCommand,
    inspectCommand,
    killCommand,
    loadCommand,
    logsCommand,
    portCommand,
    psCommand,
    renameCommand,
    restartCommand,
    rmCommand,
    rmiCommand,
    runCommand,
    startCommand,
    stopCommand,
    tagCommand,
    topCommand,
    versionCommand,
    waitCommand,
  ],
};
