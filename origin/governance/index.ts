/**
 * The governance domain's public module (issue 16): data classification, and what other domains
 * and the CLIs use of support access, retention, export and erasure. Other domains import this
 * file (or routes.ts), never the files behind it.
 */
export { CLASSIFICATION, DATA_CLASSES, classOfColumn, classOfTable, columnsOfClass, logRedactionPaths, sensitiveFieldNames, tablesOfClass } from './classification.js';
export type { ClassifiedColumn, DataClass, TableClassification } from './classification.js';
export { addOperator, disableOperator, listOperators, OperatorUnreadable, operatorEmailIs, sealOperator } from './operators.js';
export type { OperatorView } from './operators.js';
export { runRetention } from './retention/retention.js';
export type { RetentionReport } from './retention/retention.js';
export { retentionSettingsFrom } from './retention/policy.js';
export type { RetentionPolicy, RetentionSettings } from './retention/policy.js';
export { readCidrsFor } from './allowlist.js';
export { LifecycleJobs } from './jobs.js';
export type { LifecycleJobsDeps } from './jobs.js';
export { decryptArchive } from './export/archive.js';
export { buildNextExport, expireExports } from './export/exports.js';
export { eraseDueOrganizations, eraseOrganization } from './erasure/organization.js';
export type { SweepContext } from './erasure/organization.js';
export { eraseUser } from './erasure/user.js';
export { certificateValid } from './erasure/certificate.js';
export { convertPersonalData, keyStatus, rotateKeys, verifyKeys } from './keys.js';
export type { ConversionReport, KeyStatus, RotationOptions, RotationReport, Verification } from './keys.js';
export { SEALED_COLUMNS } from './sealed-columns.js';
export type { SealedColumn } from './sealed-columns.js';
