import { isCustomResourceType, type CloudFormationTemplate } from './cloudformation-template';
import type { ResourceValues } from './intrinsic-functions';
import { RehearsalError } from './rehearsal-error';
import type { DeployedCustomResource } from './simulated-stack';

/**
 * `Ref` and `Fn::GetAtt` across the whole stack: a rehearsed custom resource answers with the physical id and `Data`
 * of its last successful response (an attribute its response lacks fails as CloudFormation fails it); every other
 * resource with its modelled AWS values.
 */
export class StackResourceValues implements ResourceValues {
  constructor(
    private readonly template: CloudFormationTemplate,
    private readonly native: ResourceValues,
    private readonly deployed: ReadonlyMap<string, DeployedCustomResource>,
    private readonly rehearsedTypes: ReadonlySet<string>,
  ) {}

  ref(logicalId: string): string {
    return this.isCustom(logicalId) ? this.deployedResource(logicalId).physicalResourceId : this.native.ref(logicalId);
  }

  getAtt(logicalId: string, attribute: string): unknown {
    if (!this.isCustom(logicalId)) return this.native.getAtt(logicalId, attribute);
    const data = this.deployedResource(logicalId).data;
    if (!(attribute in data)) {
      throw new RehearsalError(
        'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE',
        `CustomResource attribute error: Vendor response doesn't contain ${attribute} attribute in object ${logicalId}`,
      );
    }
    return data[attribute];
  }

  private isCustom(logicalId: string): boolean {
    const type = this.template.Resources[logicalId]?.Type;
    return type !== undefined && isCustomResourceType(type) && this.rehearsedTypes.has(type);
  }

  private deployedResource(logicalId: string): DeployedCustomResource {
    const deployed = this.deployed.get(logicalId);
    if (deployed === undefined) {
      throw new RehearsalError('RDS_IAM_REHEARSAL_NO_CUSTOM_RESOURCE', `${logicalId} is referred to before it was created`);
    }
    return deployed;
  }
}
