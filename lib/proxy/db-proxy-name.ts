/**
 * What RDS accepts as a DB proxy name (`DBProxyName`): 1 to 63 ASCII letters, digits and hyphens, a letter first, no
 * hyphen last and no two hyphens in a row. One home for the rule: the proxy construct, the environment config and
 * `rds-iam connect --proxy` all check names with it.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxy.html
 */

const MAX_LENGTH = 63;
const SHAPE = /^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** Why `name` is not a usable DB proxy name, or undefined when it is. The message quotes at most 64 characters. */
export function dbProxyNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'a DB proxy name is required';
  const quoted = JSON.stringify(name.length > 64 ? `${name.slice(0, 61)}...` : name);
  if (name.length > MAX_LENGTH) return `${quoted} is ${name.length} characters long; RDS allows at most ${MAX_LENGTH}`;
  if (!SHAPE.test(name) || name.includes('--')) {
    return (
      `${quoted} is not a DB proxy name: use letters, digits and single hyphens, starting with a letter and not ending ` +
      "with a hyphen, e.g. 'orders-dev-proxy'"
    );
  }
  return undefined;
}
