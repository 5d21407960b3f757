import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The file assets of an asset manifest (`<stack>.assets.json`), as `cdk-assets` reads it to publish them. */
interface AssetManifest {
  readonly files?: Readonly<
    Record<string, { readonly source: { readonly path?: string }; readonly destinations: Readonly<Record<string, { readonly objectKey: string }>> }>
  >;
}

/**
 * Where each file asset of an asset manifest is on disk (a file, or a directory `cdk deploy` zips), by the S3 object
 * key it is published under: the key a template names (`Code.S3Key`, `UsersObject.Key`). Paths are absolute,
 * resolved against the manifest's directory as `cdk-assets` does.
 */
export async function fileAssetPathsByObjectKey(manifestFile: string): Promise<Map<string, string>> {
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as AssetManifest;
  const paths = new Map<string, string>();
  for (const file of Object.values(manifest.files ?? {})) {
    if (file.source.path === undefined) continue;
    for (const destination of Object.values(file.destinations)) paths.set(destination.objectKey, resolve(dirname(manifestFile), file.source.path));
  }
  return paths;
}
