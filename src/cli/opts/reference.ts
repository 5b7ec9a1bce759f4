/**
 * @module cli/opts/reference
 * Image references as docker's distribution/reference normalises them: `busybox` is
 * `docker.io/library/busybox`, shown "familiar" as `busybox`; `TagNameOnly` adds `:latest`.
 */

export interface ImageRef {
  domain: string;
  /** The repository path inside the domain: `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

export class ReferenceError extends Error {}

/** A 64-hex string is an image ID, not a name. */
export function isImageId(s: string): boolean {
  return /^(sha256:)?[0-9a-f]{64}$/.test(s);
}

/** reference.ParseNormalizedNamed. */
export function parseNormalizedNamed(s: string): ImageRef {
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError('invalid reference format');
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw new ReferenceError('invalid reference format');
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = rest.slice(slash + 1);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (path !== path.toLowerCase()) throw new ReferenceError(`invalid reference format: repository name (${path}) must be lowercase`);
  if (path === '' || !path.split('/').every((c) => COMPONENT.test(c))) throw new ReferenceError('invalid reference format');
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The full repository name: `docker.io/library/busybox`. */
export function fullName(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}`;
}

/** reference.FamiliarName: `busybox`, `me/app`, `registry:5000/app`. */
export function familiarName(ref: ImageRef): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  return ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice('library/'.length) : ref.path;
}

/** reference.FamiliarString. */
export function familiarString(ref: ImageRef): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** reference.TagNameOnly: `:latest` when there is neither tag nor digest. */
export function tagNameOnly(ref: ImageRef): ImageRef {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}
