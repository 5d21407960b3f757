import type { ParsedProvisionerProperties } from './provisioner-event';

/**
 * One custom resource per database, so the physical id names the database: `rds-iam-users:<endpoint>:<port>`.
 *
 * It stays the same while the user set changes, so an Update never makes CloudFormation delete the resource (and
 * drop the users). It changes only when the resource points at another database (a replaced cluster): then the
 * Update creates the users there and CloudFormation's follow-up Delete, carrying the old properties, removes them
 * from the old database.
 */
export function physicalResourceId(properties: Pick<ParsedProvisionerProperties, 'Endpoint' | 'Port'>): string {
  return `rds-iam-users:${properties.Endpoint.toLowerCase()}:${properties.Port}`;
}
