export * from './organizations.js';
export * from './spaces.js';
export * from './users.js';
export * from './memberships.js';
export * from './api-keys.js';
export * from './pages.js';
export * from './assets.js';
