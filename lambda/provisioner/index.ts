// Placeholder entry so the CDK construct can bundle while the handler is being written (issue 4 replaces this file).
export async function handler(): Promise<never> {
  throw new Error('the provisioner handler is not written yet');
}
