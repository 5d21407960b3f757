import type { AssemblyStack } from './cloud-assembly';
import { isCustomResourceType, resourceDependencies } from './cloudformation-template';
import type { CustomResourceDriver, RequestOutcome } from './custom-resource-driver';
import type { CustomResourceRequest } from './custom-resource-request';
import type { IntrinsicResolver } from './intrinsic-functions';
import { RehearsalError } from './rehearsal-error';

/** A custom resource as CloudFormation remembers it after a successful operation. */
export interface DeployedCustomResource {
  readonly physicalResourceId: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/** One request of a stack operation, and in which phase CloudFormation sent it. */
export interface StackRequest {
  readonly phase: 'forward' | 'rollback' | 'cleanup';
  readonly outcome: RequestOutcome;
}

export interface StackOperationResult {
  readonly operation: 'create' | 'update' | 'delete';
  /** The stack reached CREATE_COMPLETE / UPDATE_COMPLETE / DELETE_COMPLETE (a cleanup failure leaves it complete). */
  readonly succeeded: boolean;
  readonly requests: readonly StackRequest[];
}

/** Changes the resolved properties of one resource, as an edited template would. */
export type PropertyOverride = (properties: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;

const succeeded = (outcome: RequestOutcome): boolean => outcome.status === 'SUCCESS';

/**
 * CloudFormation's handling of a stack's custom resources: creates in dependency order and rolls a failed create back
 * by deleting what it made (the failed resource too, with the physical id its FAILED response gave); updates what
 * changed, rolls a failed update back with Updates to the old properties (or deletes a replacement), and deletes
 * replaced resources, with their old properties, in the cleanup phase; deletes in reverse order.
 */
export class SimulatedStack {
  readonly overrides = new Map<string, PropertyOverride>();
  /** Custom resources in the order CloudFormation creates them. */
  readonly customResources: readonly string[];

  /** Custom resources of other types: CloudFormation would run them too, the rehearsal takes them as created. */
  readonly notRehearsed: readonly string[];

  /**
   * @param deployed what CloudFormation remembers of each custom resource, shared with the resolver that answers
   *   `Ref` and `Fn::GetAtt` on them
   * @param rehearsedTypes the custom resource types whose handlers the rehearsal runs
   */
  constructor(
    private readonly stack: AssemblyStack,
    private readonly resolver: IntrinsicResolver,
    private readonly driver: CustomResourceDriver,
    readonly deployed: Map<string, DeployedCustomResource>,
    rehearsedTypes: ReadonlySet<string>,
  ) {
    const custom = creationOrder(stack).filter((id) => isCustomResourceType(stack.template.Resources[id].Type));
    this.customResources = custom.filter((id) => rehearsedTypes.has(stack.template.Resources[id].Type));
    this.notRehearsed = custom.filter((id) => !rehearsedTypes.has(stack.template.Resources[id].Type));
  }

  /** Deliver every event twice (as a retried delivery would) and require the same answer. */
  repeatEvents = false;

  typeOf(logicalId: string): string {
    return this.stack.template.Resources[logicalId].Type;
  }

  /** The resource's properties as the current template and world resolve them. */
  propertiesOf(logicalId: string): Readonly<Record<string, unknown>> {
    const resolved = this.resolver.resolve(this.stack.template.Resources[logicalId].Properties ?? {}) as Record<string, unknown>;
    return this.overrides.get(logicalId)?.(resolved) ?? resolved;
  }

  async create(): Promise<StackOperationResult> {
    const requests: StackRequest[] = [];
    const created: { logicalId: string; physicalResourceId?: string; properties: Readonly<Record<string, unknown>> }[] = [];
    for (const logicalId of this.customResources) {
      const properties = this.propertiesOf(logicalId);
      const outcome = await this.send({ requestType: 'Create', logicalId, resourceType: this.typeOf(logicalId), properties }, requests, 'forward');
      created.push({ logicalId, physicalResourceId: outcome.physicalResourceId, properties });
      if (!succeeded(outcome)) {
        for (const made of created.reverse()) {
          // A resource CloudFormation got no physical id for is not deleted: there is nothing it could name.
          if (made.physicalResourceId === undefined) continue;
          await this.send({ requestType: 'Delete', logicalId: made.logicalId, resourceType: this.typeOf(made.logicalId), properties: made.properties, physicalResourceId: made.physicalResourceId }, requests, 'rollback');
          this.deployed.delete(made.logicalId);
        }
        return { operation: 'create', succeeded: false, requests };
      }
      this.deployed.set(logicalId, { physicalResourceId: outcome.physicalResourceId ?? '', properties, data: outcome.data ?? {} });
    }
    return { operation: 'create', succeeded: true, requests };
  }

  /**
   * Updates every custom resource whose properties changed (and those in `force`, with unchanged properties, as a
   * stack update that must reach them would).
   */
  async update(options: { readonly force?: readonly string[] } = {}): Promise<StackOperationResult> {
    const requests: StackRequest[] = [];
    const updated: { logicalId: string; before: DeployedCustomResource; replaced: boolean }[] = [];
    for (const logicalId of this.customResources) {
      const before = this.deployed.get(logicalId);
      if (before === undefined) throw new RehearsalError('RDS_IAM_REHEARSAL_NO_CUSTOM_RESOURCE', `${logicalId} is not deployed; create the stack first`);
      const properties = this.propertiesOf(logicalId);
      if (JSON.stringify(properties) === JSON.stringify(before.properties) && !options.force?.includes(logicalId)) continue;
      const outcome = await this.send(
        { requestType: 'Update', logicalId, resourceType: this.typeOf(logicalId), properties, oldProperties: before.properties, physicalResourceId: before.physicalResourceId },
        requests,
        'forward',
      );
      if (!succeeded(outcome)) {
        await this.rollBackUpdate([...updated, { logicalId, before, replaced: false }], requests);
        return { operation: 'update', succeeded: false, requests };
      }
      const physicalResourceId = outcome.physicalResourceId ?? before.physicalResourceId;
      this.deployed.set(logicalId, { physicalResourceId, properties, data: outcome.data ?? {} });
      updated.push({ logicalId, before, replaced: physicalResourceId !== before.physicalResourceId });
    }
    for (const { logicalId, before } of updated.filter((entry) => entry.replaced).reverse()) {
      await this.send(
        { requestType: 'Delete', logicalId, resourceType: this.typeOf(logicalId), properties: before.properties, physicalResourceId: before.physicalResourceId },
        requests,
        'cleanup',
      );
    }
    return { operation: 'update', succeeded: true, requests };
  }

  async delete(): Promise<StackOperationResult> {
    const requests: StackRequest[] = [];
    let allDeleted = true;
    for (const logicalId of [...this.customResources].reverse()) {
      const deployed = this.deployed.get(logicalId);
      if (deployed === undefined) continue;
      const outcome = await this.send(
        { requestType: 'Delete', logicalId, resourceType: this.typeOf(logicalId), properties: deployed.properties, physicalResourceId: deployed.physicalResourceId },
        requests,
        'forward',
      );
      if (succeeded(outcome)) this.deployed.delete(logicalId);
      else allDeleted = false;
    }
    return { operation: 'delete', succeeded: allDeleted, requests };
  }

  /** Sends one request outside a stack operation (e.g. two Updates at once), without changing what is deployed. */
  sendRaw(request: CustomResourceRequest): Promise<RequestOutcome> {
    return this.driver.send(request, { repeat: this.repeatEvents });
  }

  private async rollBackUpdate(updated: readonly { logicalId: string; before: DeployedCustomResource; replaced: boolean }[], requests: StackRequest[]): Promise<void> {
    for (const { logicalId, before, replaced } of [...updated].reverse()) {
      const current = this.deployed.get(logicalId) ?? before;
      const type = this.typeOf(logicalId);
      if (replaced) {
        await this.send({ requestType: 'Delete', logicalId, resourceType: type, properties: current.properties, physicalResourceId: current.physicalResourceId }, requests, 'rollback');
      } else {
        const properties = current === before ? this.propertiesOf(logicalId) : current.properties;
        await this.send(
          { requestType: 'Update', logicalId, resourceType: type, properties: before.properties, oldProperties: properties, physicalResourceId: before.physicalResourceId },
          requests,
          'rollback',
        );
      }
      this.deployed.set(logicalId, before);
    }
  }

  private async send(request: CustomResourceRequest, requests: StackRequest[], phase: StackRequest['phase']): Promise<RequestOutcome> {
    const outcome = await this.driver.send(request, { repeat: this.repeatEvents });
    requests.push({ phase, outcome });
    return outcome;
  }
}

/** Logical ids in an order where every resource comes after those it depends on. */
function creationOrder(stack: AssemblyStack): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new RehearsalError('RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE', `the template has a dependency cycle through ${id}`);
    state.set(id, 'visiting');
    for (const dependency of [...resourceDependencies(stack.template, id)].sort()) visit(dependency);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(stack.template.Resources)) visit(id);
  return order;
}
