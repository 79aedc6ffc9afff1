/**
 * The public module of the identity domain for the rest of the origin: what other domains and the
 * plumbing may use. Anything not exported here is this domain's own (a dependency-cruiser rule).
 */
export { checkedReason, describeAccount, disableAccount, enableAccount } from './accounts/accounts.js';
export type { AccountSummary } from './accounts/accounts.js';
export { pruneAttempts } from './accounts/auth-attempts.js';
export { AfterResponseQueue } from './after-response.js';
export { signInAdmissionTotals } from './sso/admission.js';
export { identityFromConfig } from './context.js';
export type { IdentityContext } from './context.js';
export { findActiveKeyByHash, issueApiKey } from './keys/api-keys.js';
export type { ActiveKey } from './keys/api-keys.js';
export { KeyRevoker } from './keys/key-revoker.js';
export { KeyUsageRecorder } from './keys/key-usage.js';
export type { KeyUsageSink } from './keys/key-usage.js';
export { LogTransport, SmtpTransport } from './mail.js';
export { listMembers } from './members/members.js';
export type { MemberView } from './members/members.js';
export type { MailTransport } from './mail.js';
export { CSRF_HEADER, csrfTokenValid, findSession, sessionTokenFromCookie } from './sessions/sessions.js';
export { errorBody as scimErrorBody, isScimPath, SCIM_CONTENT_TYPE } from './scim/resources.js';
export { hashNewPassword, verifyingAuthSecrets, verifyUserPassword } from './context.js';
export { generateTotpSecret, otpauthUri, verifyTotp } from './totp/totp.js';
export { csrfTokenFor, hashSessionToken } from './sessions/sessions.js';
export { requireRecentReauthentication } from './sessions/sessions.js';
export { organizationOwnerEmails, organizationOwnerName } from './members/owners.js';
export { openInvitationEmail, openUserEmail, openUserName, sealInvitationEmail, sealUser, sealUserEmail, sealUserName, userEmailIs } from './people.js';
