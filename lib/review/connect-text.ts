import type { Connect } from './access-model';

/** A principal that may connect, as plain text: `role ConnectRoleX`, `… via RDS Proxy orders-dev-proxy`. */
export function plainConnectText(connect: Connect): string {
  return `${connect.principal}${connect.via ? ` via ${connect.via}` : ''}`;
}
