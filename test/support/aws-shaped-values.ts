/**
 * Values shaped exactly as AWS issues them, for fixtures: never hand-simplified ones (a secret ARN without the `!`
 * RDS puts in the names of the secrets it manages once let every first deploy fail).
 */

export const REGION = 'eu-west-1';
export const ACCOUNT = '111111111111';

/** The secret RDS makes with `ManageMasterUserPassword` on a cluster: `rds!cluster-<uuid>` plus Secrets Manager's random suffix. */
export const RDS_MANAGED_CLUSTER_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!cluster-3f0c2b7e-5a1d-4c9e-8b7a-2d6f1e0a9c4b-Xk9QzA`;
/** The same for an instance: `rds!db-<uuid>`. */
export const RDS_MANAGED_INSTANCE_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-8e4a1c2d-7b3f-4e6a-9d0c-5f2b8a1e7c3d-p3LmNo`;
/** A secret CDK generates for `Credentials.fromGeneratedSecret` (named after the construct path). */
export const CDK_GENERATED_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:DatabaseSecret3B817195-Jk2pQm1vZx8a-AbCdEf`;
/** A secret a team named itself, with the path-like characters Secrets Manager allows. */
export const TEAM_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/orders+db=main.v2@team_a-Q1w2E3`;
/** GovCloud and China partitions. */
export const GOVCLOUD_SECRET_ARN = `arn:aws-us-gov:secretsmanager:us-gov-west-1:${ACCOUNT}:secret:rds!cluster-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-ZyXwVu`;
export const CHINA_SECRET_ARN = `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:rds!db-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-ZyXwVu`;

/** `DBClusterResourceId`: `cluster-` and 26 upper-case letters and digits. */
export const CLUSTER_RESOURCE_ID = 'cluster-7KZQ2M4XHJRLW3D5T6P8N9BVCA';
export const OTHER_CLUSTER_RESOURCE_ID = 'cluster-Q3N8W2E5R7T9Y1U4I6O0P2A5SD';
/** `DbiResourceId`: `db-` and 26 upper-case letters and digits. */
export const INSTANCE_RESOURCE_ID = 'db-ABCDEFGHIJKLMNOPQRSTUVWXY1';

/** An Aurora MySQL writer endpoint. */
export const CLUSTER_ENDPOINT = `orders.cluster-c9akciq32xyz.${REGION}.rds.amazonaws.com`;

export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/RdsIamMysql-dev/5b6a7c80-1d2e-11f0-9a3b-0a1b2c3d4e5f`;
export const PROVISIONER_FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:RdsIamMysql-dev-UsersHandlerB1A2C3D4-AbCdEfGhIjKl`;

/** The pre-signed S3 URL CloudFormation sends as ResponseURL, pointed at a local stand-in at `origin`. */
export function responseUrl(origin: string, requestId: string): string {
  const key = encodeURIComponent(`${STACK_ID}|DatabaseUsers|${requestId}`);
  return `${origin}/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261129T120000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=7200&X-Amz-Credential=AKIAEXAMPLE%2F20261129%2F${REGION}%2Fs3%2Faws4_request&X-Amz-Signature=0123456789abcdef`;
}

/** The CDK bootstrap bucket (default qualifier) file assets are published to, as `cdk bootstrap` names it. */
export const ASSET_BUCKET = `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;
