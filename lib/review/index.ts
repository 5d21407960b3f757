// Access review: the access a synthesized template deploys, its text, and the diff between two of them.
export * from './access-model';
export * from './build-access-model';
export * from './access-text';
export * from './access-diff';
export * from './access-diff-markdown';
export * from './broad-grant-rules';
export * from './warning-acknowledgement';
export * from './cloudformation-template';
export * from './synthesized-templates';
export * from './compare-synthesized-access';
