/**
 * @module drivers/bridge/options
 * The bridge driver's `-o` options, parsed once into a typed object with Docker's error wording
 * (`moby:daemon/libnetwork/drivers/bridge/bridge_linux.go` fromLabels). Unknown keys are ignored,
 * as Docker ignores them.
 */
import { forbidden, invalidParameter } from '../../lib/errors.js';
import type { NetworkSpecCheck } from '../driver.js';

export const OPT = {
  bridgeName: 'com.docker.network.bridge.name',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  icc: 'com.docker.network.bridge.enable_icc',
  gatewayModeIPv4: 'com.docker.network.bridge.gateway_mode_ipv4',
  gatewayModeIPv6: 'com.docker.network.bridge.gateway_mode_ipv6',
  inhibitIPv4: 'com.docker.network.bridge.inhibit_ipv4',
  hostBindingIPv4: 'com.docker.network.bridge.host_binding_ipv4',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  trustedHostInterfaces: 'com.docker.network.bridge.trusted_host_interfaces',
  mtu: 'com.docker.network.driver.mtu',
  containerIfacePrefix: 'com.docker.network.container_iface_prefix',
  hostIPv4: 'com.docker.network.host_ipv4',
} as const;

export type GatewayMode = 'nat' | 'nat-unprotected' | 'routed' | 'isolated';

export interface BridgeOptions {
  /** Explicit device name; otherwise the driver derives one from the network ID. */
  bridgeName?: string;
  /** 0 = not given (the driver uses DEFAULT_MTU). */
  mtu: number;
  masquerade: boolean;
  icc: boolean;
  gatewayMode: GatewayMode;
  inhibitIPv4: boolean;
  defaultBridge: boolean;
  /** Default host address for `-p` without one (ports use it). */
  hostBindingIPv4?: string;
  /** SNAT source for egress instead of masquerade. */
  hostIPv4?: string;
  trustedHostInterfaces: string[];
  containerIfacePrefix?: string;
}

export const DEFAULT_MTU = 1500;
const MIN_MTU = 68;
const MAX_MTU = 65535;

/** Linux interface names: 1-15 bytes; berth also keeps them to characters safe in any command. */
const IFNAME_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

export function isValidIfname(name: string): boolean {
  return IFNAME_RULE.test(name);
}

function parseErr(label: string, value: string, reason: string) {
  return invalidParameter(`failed to parse ${label} value: ${value} (${reason})`);
}

/** Go's strconv.ParseBool. */
export function parseGoBool(label: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw parseErr(label, value, `strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
}

/** Go's strconv.Atoi (base 10, optional sign). */
function parseGoInt(label: string, value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw parseErr(label, value, `strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw parseErr(label, value, `strconv.Atoi: parsing ${JSON.stringify(value)}: value out of range`);
  return n;
}

function parseIPv4(label: string, value: string): string {
  const parts = value.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  if (!ok) throw parseErr(label, value, 'nil ip');
  return parts.map(Number).join('.');
}

function parseGatewayMode(label: string, value: string): GatewayMode {
  if (value === 'nat' || value === 'nat-unprotected' || value === 'routed' || value === 'isolated') return value;
  throw parseErr(label, value, `unknown gateway mode ${value}`);
}

export function parseBridgeOptions(options: Record<string, string>, internal: boolean): BridgeOptions {
  const o: BridgeOptions = {
    mtu: 0,
    masquerade: true,
    icc: true,
    gatewayMode: 'nat',
    inhibitIPv4: false,
    defaultBridge: false,
    trustedHostInterfaces: [],
  };
  for (const [label, value] of Object.entries(options)) {
    switch (label) {
      case OPT.bridgeName:
        if (value !== '') {
          if (!isValidIfname(value)) throw invalidParameter(`invalid bridge name ${JSON.stringify(value)}: want 1-15 of [A-Za-z0-9_.-]`);
          o.bridgeName = value;
        }
        break;
      case OPT.mtu:
        o.mtu = parseGoInt(label, value);
        break;
      case OPT.masquerade:
        o.masquerade = parseGoBool(label, value);
        break;
      case OPT.icc:
        o.icc = parseGoBool(label, value);
        break;
      case OPT.gatewayModeIPv4:
        o.gatewayMode = parseGatewayMode(label, value);
        break;
      case OPT.gatewayModeIPv6:
        parseGatewayMode(label, value); // checked like Docker; berth has no IPv6 yet
        break;
      case OPT.inhibitIPv4:
        o.inhibitIPv4 = parseGoBool(label, value);
        break;
      case OPT.defaultBridge:
        o.defaultBridge = parseGoBool(label, value);
        break;
      case OPT.hostBindingIPv4:
        o.hostBindingIPv4 = parseIPv4(label, value);
        break;
      case OPT.hostIPv4:
        o.hostIPv4 = parseIPv4(label, value);
        break;
      case OPT.trustedHostInterfaces:
        o.trustedHostInterfaces = value.split(':').filter(Boolean);
        break;
      case OPT.containerIfacePrefix:
        o.containerIfacePrefix = value;
        break;
    }
  }
  if (o.mtu < 0) throw invalidParameter(`invalid MTU number: ${o.mtu}`);
  // Docker leaves out-of-range values to the kernel ("invalid argument"); berth says why up front.
  if (o.mtu !== 0 && (o.mtu < MIN_MTU || o.mtu > MAX_MTU)) throw invalidParameter(`invalid MTU number: ${o.mtu} (want ${MIN_MTU}-${MAX_MTU})`);
  if (o.gatewayMode === 'isolated' && !internal) throw invalidParameter("gateway mode 'isolated' can only be used for an internal network");
  return o;
}

/** The driver's `validate`: options and subnets. */
export function validateBridgeSpec(spec: NetworkSpecCheck): BridgeOptions {
  const o = parseBridgeOptions(spec.options, spec.internal);
  if (spec.subnets.length > 1) throw forbidden("bridge driver doesn't support multiple subnets");
  return o;
}

/** Whether the bridge device carries the gateway address (Docker's GetSkipGwAlloc, inverted). */
export function bridgeHasGatewayAddress(o: BridgeOptions): boolean {
  return o.gatewayMode !== 'isolated' && !o.inhibitIPv4;
}
