/**
 * The provisioner's physical resource id names the database by its identity, never by the name used to reach it:
 * `rds-iam-users:<resource id>` (`cluster-…` or `db-…`).
 *
 * It stays the same while the user set, the endpoint's spelling or the port changes, so such an Update never makes
 * CloudFormation delete the resource (and drop the users). It changes only when the resource points at another
 * database: then the Update creates the users there, and CloudFormation's clean-up Delete, carrying the old
 * properties and the old id, removes them from the old database.
 *
 * A Create that fails answers with a second form, `rds-iam-users:<resource id>:undo-create[:<user>,…]`, so that
 * CloudFormation's rollback Delete reaches the handler (the Provider framework would have answered it alone) and tells
 * it to finish undoing that Create: drop every declared user except those listed, which existed before the Create.
 * The list is absent when it would not fit CloudFormation's 1 KB limit on the id; the rollback then drops the
 * declared users a stack deletion would drop.
 */

const PREFIX = 'rds-iam-users:';
const UNDO_CREATE = 'undo-create';
const FAILED_CREATE = `${PREFIX}create-failed:`;

/** CloudFormation accepts physical ids up to 1 KB. */
export const MAX_PHYSICAL_ID_BYTES = 1024;

/** What a Delete is asked to remove, read from the physical id it carries. */
export type DeleteScope =
  | { readonly kind: 'deployed' }
  /** Undo a failed Create; `preexisting` lists the declared users that existed before it, when it was recorded. */
  | { readonly kind: 'undo-create'; readonly preexisting?: ReadonlySet<string> }
  /** A Create that failed leaving the database as it was (refused before reaching it, or undone): nothing to do. */
  | { readonly kind: 'nothing' };

export function physicalResourceId(databaseResourceId: string): string {
  return `${PREFIX}${databaseResourceId}`;
}

/** The id a failed Create answers with; `preexisting` is dropped from it when the id would exceed 1 KB. */
export function undoCreatePhysicalResourceId(databaseResourceId: string, preexisting: readonly string[]): string {
  const base = `${physicalResourceId(databaseResourceId)}:${UNDO_CREATE}`;
  const withList = `${base}:${[...preexisting].sort().join(',')}`;
  return Buffer.byteLength(withList) <= MAX_PHYSICAL_ID_BYTES ? withList : base;
}

/**
 * The id of a Create that failed leaving the database as it was: refused before it reached the database, or undone
 * in full. Its rollback Delete has nothing to do.
 */
export function failedCreatePhysicalResourceId(requestId: string): string {
  return `${FAILED_CREATE}${requestId.slice(0, 200)}`;
}

/** Reads the scope of a Delete from its physical id. */
export function deleteScope(physicalId: string): DeleteScope {
  if (physicalId.startsWith(FAILED_CREATE)) return { kind: 'nothing' };
  const marker = `:${UNDO_CREATE}`;
  const at = physicalId.indexOf(marker);
  if (!physicalId.startsWith(PREFIX) || at < 0) return { kind: 'deployed' };
  const rest = physicalId.slice(at + marker.length);
  if (!rest.startsWith(':')) return { kind: 'undo-create' };
  const names = rest.slice(1).split(',').filter((name) => name.length > 0);
  return { kind: 'undo-create', preexisting: new Set(names) };
}
