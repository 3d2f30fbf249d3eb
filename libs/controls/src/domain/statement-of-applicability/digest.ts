import { canonicalJson, sha256Hex } from '@isms/event-sourcing';
import type { InheritedSoaLine, SoaLine } from '@isms/contracts';
import { compareControlIds } from '../../catalogues/catalogue.js';

/** What an SoA approval covers, in a canonical order. */
export interface SoaContent {
  readonly catalogueId: string;
  readonly extensionCatalogueIds: readonly string[];
  readonly lines: readonly SoaLine[];
  readonly inherited: readonly InheritedSoaLine[];
}

function byControl(
  a: { catalogueId: string; controlId: string },
  b: { catalogueId: string; controlId: string },
): number {
  if (a.catalogueId !== b.catalogueId) return a.catalogueId < b.catalogueId ? -1 : 1;
  return compareControlIds(a.controlId, b.controlId);
}

export function canonicalSoaContent(content: SoaContent): SoaContent {
  return {
    catalogueId: content.catalogueId,
    extensionCatalogueIds: [...content.extensionCatalogueIds].sort(),
    lines: [...content.lines].sort(byControl),
    inherited: [...content.inherited].sort(byControl),
  };
}

/**
 * SHA-256 (hex) over the canonical JSON (RFC 8785) of what is approved: anyone holding the
 * approved lines can recompute it and show that nothing was changed since.
 */
export function soaDigest(content: SoaContent): string {
  return sha256Hex(canonicalJson(canonicalSoaContent(content)));
}
