/**
 * @module runtime/images/reference
 * Image references as Docker reads them (the distribution/reference grammar): `[domain/]path[:tag][@digest]`,
 * normalised to docker.io/library/... and shown back in the familiar short form ("busybox:latest").
 * Pure: no I/O. Errors carry Docker's wording.
 */
import { invalidParameter } from '../../lib/errors.js';

export interface Reference {
  /** Registry host[:port]; "docker.io" for Docker Hub. */
  domain: string;
  /** Repository path below the domain: "library/busybox". */
  path: string;
  tag?: string;
  /** "sha256:<hex>" */
  digest?: string;
}

export type AnyReference = { kind: 'digest'; digest: string } | { kind: 'named'; ref: Reference };

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar, term by term (Go's \w is [0-9A-Za-z_]).
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_TAG_RE = new RegExp(`^${TAG}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export function isFullIdentifier(s: string): boolean {
  return IDENTIFIER_RE.test(s);
}

/** go-digest's Parse: `algorithm:hex` with a known algorithm and the right length. */
export function parseDigest(s: string): string {
  const colon = s.indexOf(':');
  if (colon <= 0 || colon === s.length - 1) throw invalidParameter('invalid checksum digest format');
  const algorithm = s.slice(0, colon);
  const hex = s.slice(colon + 1);
  const length = DIGEST_LENGTHS[algorithm];
  if (length === undefined) throw invalidParameter('unsupported digest algorithm');
  if (hex.length !== length) throw invalidParameter('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw invalidParameter('invalid checksum digest format');
  return s;
}

/** The reference grammar on an already-normalised string (distribution's `Parse`). */
export function parseReference(s: string): Reference {
  const match = REFERENCE_RE.exec(s);
  if (!match) {
    if (s === '') throw invalidParameter('repository name must have at least one component');
    if (REFERENCE_RE.test(s.toLowerCase())) throw invalidParameter('repository name must be lowercase');
    throw invalidParameter('invalid reference format');
  }
  const name = ANCHORED_NAME_RE.exec(match[1]!);
  const ref: Reference = { domain: name?.[1] ?? '', path: name?.[2] ?? match[1]! };
  if (ref.path.length > NAME_TOTAL_LENGTH_MAX) throw invalidParameter(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (match[2]) ref.tag = match[2];
  if (match[3]) ref.digest = parseDigest(match[3]);
  return ref;
}

/** What the user typed ("busybox", "localhost:5000/app:v1") to a full reference (docker.io/library/busybox). */
export function parseNormalizedNamed(s: string): Reference {
  if (isFullIdentifier(s)) throw invalidParameter(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) throw invalidParameter(`invalid reference format: repository name (${remote}) must be lowercase`);
  return parseReference(`${domain}/${remainder}`);
}

/** A full image ID, a digest, or a name (distribution's `ParseAnyReference`). */
export function parseAnyReference(s: string): AnyReference {
  if (isFullIdentifier(s)) return { kind: 'digest', digest: `sha256:${s}` };
  try {
    return { kind: 'digest', digest: parseDigest(s) };
  } catch {
    // not a digest: read it as a name below
  }
  return { kind: 'named', ref: parseNormalizedNamed(s) };
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  if (slash === -1) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_PREFIX + name };
  const maybeDomain = name.slice(0, slash);
  const maybeRemainder = name.slice(slash + 1);
  if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remainder] = [maybeDomain, maybeRemainder];
  } else if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    [domain, remainder] = [DEFAULT_DOMAIN, maybeRemainder];
  } else {
    [domain, remainder] = [DEFAULT_DOMAIN, name];
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/** The full name without tag or digest: "docker.io/library/busybox". */
export function fullName(ref: Reference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

/** The short name Docker prints: "busybox", "user/app", "localhost:5000/app". */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  if (ref.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** "busybox:latest", "app@sha256:…", "app:v1@sha256:…". */
export function familiarString(ref: Reference): string {
  let s = familiarName(ref);
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/** A name without tag or digest gets ":latest" (distribution's `TagNameOnly`). */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag || ref.digest ? ref : { ...ref, tag: DEFAULT_TAG };
}

export function withTag(ref: Reference, tag: string): Reference {
  if (!ANCHORED_TAG_RE.test(tag)) throw invalidParameter('invalid tag format');
  return { domain: ref.domain, path: ref.path, tag };
}

/**
 * A reference that names one tag, as `docker tag`, `docker import` and `docker load` store it:
 * "busybox" -> "busybox:latest". Digest references are refused.
 */
export function parseTagReference(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (ref.digest) throw invalidParameter(`refusing to create a tag with a digest reference`);
  return withDefaultTag(ref);
}
