/**
 * Makes a synthesized template independent of what the Lambda bundles contain: asset hashes (S3 keys, asset paths,
 * hash-named parameters) become a fixed marker, so a snapshot changes only when the infrastructure does.
 */

const ASSET_HASH = /[0-9a-f]{64}/g;
export const ASSET_HASH_MARKER = '<asset-hash>';

export function normalizeTemplate(template: unknown): unknown {
  if (typeof template === 'string') return template.replace(ASSET_HASH, ASSET_HASH_MARKER);
  if (Array.isArray(template)) return template.map(normalizeTemplate);
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key.replace(ASSET_HASH, ASSET_HASH_MARKER), normalizeTemplate(value)]),
    );
  }
  return template;
}
