import type { Connection } from 'mysql2/promise';

/**
 * Where a run of the provisioner stands, kept current by the handler so that the deadline guard can answer
 * CloudFormation for a run that has not finished: what it was doing (for the reason), which physical id a failure
 * now answers with, and the connection to cut so nothing more runs after the answer.
 */
export class ProvisionerProgress {
  /** What the run is doing now, as a phrase: "connecting to db.example.com:3306 as the master user". */
  public stage = 'reading the event';
  /** The physical id a FAILED answer given now carries. */
  public failurePhysicalId = '';
  /** The master connection while one is open. */
  public connection?: Connection;
  /** Set once the deadline guard has answered: the run starts nothing new. */
  public abandoned = false;
}
