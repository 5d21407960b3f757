import { isRecord, type TemplateResource, templateResources } from '../../lib/review/cloudformation-template';
import { renderExpression } from '../../lib/review/intrinsic-expression';

/**
 * The parts of a template a reviewer must see besides database access, one fact per line, sorted: who may reach
 * what on the network (security group rules) and what every IAM identity may do (trust, managed policies, statements).
 * Everything else (VPC plumbing, Lambda code, log groups) is left out, so the snapshot changes only when one of these does.
 */
export function reviewerTemplateView(template: unknown): string {
  const resources = templateResources(template, 'template');
  return `${[...networkLines(resources), ...iamLines(resources)].sort().join('\n')}\n`;
}

function networkLines(resources: readonly TemplateResource[]): string[] {
  return resources.flatMap((resource) => {
    const { properties } = resource;
    switch (resource.type) {
      case 'AWS::EC2::SecurityGroup':
        return [
          ...list(properties.SecurityGroupIngress).map((rule) => ruleLine(resource.logicalId, 'ingress', rule)),
          ...list(properties.SecurityGroupEgress).map((rule) => ruleLine(resource.logicalId, 'egress', rule)),
        ];
      case 'AWS::EC2::SecurityGroupIngress':
        return [ruleLine(groupName(properties.GroupId), 'ingress', properties)];
      case 'AWS::EC2::SecurityGroupEgress':
        return [ruleLine(groupName(properties.GroupId), 'egress', properties)];
      default:
        return [];
    }
  });
}

function ruleLine(group: string, direction: 'ingress' | 'egress', rule: unknown): string {
  const fields = isRecord(rule) ? rule : {};
  const protocol = fields.IpProtocol === '-1' ? 'all protocols' : renderExpression(fields.IpProtocol);
  const ports = fields.FromPort === undefined ? '' : fields.FromPort === fields.ToPort || renderExpression(fields.FromPort) === renderExpression(fields.ToPort)
    ? ` port ${renderExpression(fields.FromPort)}`
    : ` ports ${renderExpression(fields.FromPort)}-${renderExpression(fields.ToPort)}`;
  const peerKey = ['CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'DestinationSecurityGroupId', 'SourcePrefixListId', 'DestinationPrefixListId']
    .find((key) => fields[key] !== undefined);
  const peer = peerKey === undefined ? 'nowhere' : peerKey.endsWith('SecurityGroupId') ? `sg ${groupName(fields[peerKey])}` : renderExpression(fields[peerKey]);
  return `sg ${group}: ${direction} ${protocol}${ports} ${direction === 'ingress' ? 'from' : 'to'} ${peer}`;
}

function groupName(groupId: unknown): string {
  const getAtt = isRecord(groupId) ? groupId['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && getAtt[1] === 'GroupId' ? String(getAtt[0]) : renderExpression(groupId);
}

function iamLines(resources: readonly TemplateResource[]): string[] {
  return resources.flatMap((resource) => {
    const { properties, logicalId } = resource;
    switch (resource.type) {
      case 'AWS::IAM::Role':
        return [
          ...statements(properties.AssumeRolePolicyDocument).map((statement) => `role ${logicalId}: assumable by ${principalText(statement)}`),
          ...list(properties.ManagedPolicyArns).map((arn) => `role ${logicalId}: managed policy ${renderExpression(arn)}`),
          ...list(properties.Policies).flatMap((policy) =>
            statements(isRecord(policy) ? policy.PolicyDocument : undefined).flatMap((statement) =>
              statementTexts(statement).map((text) => `role ${logicalId} inline policy: ${text}`),
            ),
          ),
        ];
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy': {
        const attached = ['Roles', 'Users', 'Groups'].flatMap((key) => list(properties[key]).map(renderExpression));
        return statements(properties.PolicyDocument).flatMap((statement) =>
          statementTexts(statement).map((text) => `policy ${logicalId} (${attached.join(', ') || 'unattached'}): ${text}`),
        );
      }
      default:
        return [];
    }
  });
}

/** One line per resource of a statement, so granting one more resource adds one line. */
function statementTexts(statement: unknown): string[] {
  const fields = isRecord(statement) ? statement : {};
  const actions = list(fields.Action ?? fields.NotAction).map(renderExpression).sort().join(', ');
  const resources = list(fields.Resource ?? fields.NotResource).map(renderExpression).sort();
  const condition = fields.Condition === undefined ? '' : ` when ${JSON.stringify(fields.Condition)}`;
  const head = `${String(fields.Effect)} ${fields.NotAction ? 'all but ' : ''}${actions} on ${fields.NotResource ? 'all but ' : ''}`;
  return (resources.length === 0 ? ['(none)'] : resources).map((resource) => `${head}${resource}${condition}`);
}

/** `Service lambda.amazonaws.com`, `AWS arn:${Ref AWS::Partition}:iam::111111111111:root`. */
function principalText(statement: unknown): string {
  const principal = isRecord(statement) ? statement.Principal : undefined;
  if (!isRecord(principal)) return renderExpression(principal);
  return Object.entries(principal).flatMap(([kind, values]) => list(values).map((value) => `${kind} ${renderExpression(value)}`)).join(', ');
}

function statements(document: unknown): unknown[] {
  return isRecord(document) ? list(document.Statement) : [];
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
