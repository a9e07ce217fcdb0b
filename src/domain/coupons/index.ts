export * from './codes.js';
export * from './model.js';
