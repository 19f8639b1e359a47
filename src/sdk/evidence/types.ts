// The evidence wire types are defined beside the module (one definition); the SDK re-exports them.
export * from '../../modules/evidence/types.js';
