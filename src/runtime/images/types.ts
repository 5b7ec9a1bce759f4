/**
 * @module runtime/images/types
 * The shapes the image store keeps and hands out.
 */

/** Docker's image config "config" object (the part a container inherits). */
export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, {}>;
  Labels?: Record<string, string>;
  Volumes?: Record<string, {}>;
  StopSignal?: string;
}

export interface ImageRecord {
  /** "sha256:<64 hex>": the sha256 of the image's config JSON. */
  id: string;
  /** Familiar "name:tag" strings: ["busybox:latest"]. */
  repoTags: string[];
  repoDigests: string[];
  /** RFC3339 */
  created: string;
  /** Bytes of the flattened root filesystem. */
  size: number;
  architecture: string;
  os: string;
  variant?: string;
  author?: string;
  comment?: string;
  dockerVersion?: string;
  config: ImageConfig;
  /** The layers' DiffIDs, bottom first (RootFS.Layers in inspect). */
  layers?: string[];
  /** When a tag last moved onto this image (Metadata.LastTagTime). */
  lastTagTime?: string;
}

/** The image configuration JSON (OCI image-spec config / Docker's image JSON), as read from archives. */
export interface ImageConfigFile {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  config?: (ImageConfig & Record<string, unknown>) | null;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: Array<Record<string, unknown>>;
}
