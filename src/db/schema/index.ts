export * from './auth';
export * from './connections';
export * from './inbox';
export * from './queue';
export * from './finance';
export * from './inventory';
export * from './ui';
export * from './audit';
