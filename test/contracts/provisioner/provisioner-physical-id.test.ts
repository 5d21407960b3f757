import { deleteScope, failedCreatePhysicalResourceId, MAX_PHYSICAL_ID_BYTES, physicalResourceId, undoCreatePhysicalResourceId } from '../../../lib/contracts/provisioner/provisioner-physical-id';
import { CLUSTER_RESOURCE_ID } from '../../support/aws-shaped-values';

describe('physical resource id', () => {
  it('names the database by its resource id, not by the name used to reach it', () => {
    expect(physicalResourceId(CLUSTER_RESOURCE_ID)).toBe(`rds-iam-users:${CLUSTER_RESOURCE_ID}`);
  });

  it('sends a Delete of a deployed resource to remove the declared users', () => {
    expect(deleteScope(physicalResourceId(CLUSTER_RESOURCE_ID))).toEqual({ kind: 'deployed' });
  });

  it('sends the rollback Delete of a Create that left nothing behind to do nothing', () => {
    expect(deleteScope(failedCreatePhysicalResourceId('4e1f2a3b-5c6d'))).toEqual({ kind: 'nothing' });
  });

  it('sends the rollback Delete of a half-done Create to drop what it made, keeping the users that existed before', () => {
    const id = undoCreatePhysicalResourceId(CLUSTER_RESOURCE_ID, ['legacy_b', 'legacy_a']);
    expect(id).toBe(`rds-iam-users:${CLUSTER_RESOURCE_ID}:undo-create:legacy_a,legacy_b`);
    expect(deleteScope(id)).toEqual({ kind: 'undo-create', preexisting: new Set(['legacy_a', 'legacy_b']) });
  });

  it('records an empty list of users that existed before', () => {
    expect(deleteScope(undoCreatePhysicalResourceId(CLUSTER_RESOURCE_ID, []))).toEqual({ kind: 'undo-create', preexisting: new Set() });
  });

  it('leaves the list out rather than exceed CloudFormation\'s 1 KB limit', () => {
    const many = Array.from({ length: 100 }, (_, index) => `preexisting_user_${String(index).padStart(3, '0')}`);
    const id = undoCreatePhysicalResourceId(CLUSTER_RESOURCE_ID, many);
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(MAX_PHYSICAL_ID_BYTES);
    expect(deleteScope(id)).toEqual({ kind: 'undo-create' });
  });
});
