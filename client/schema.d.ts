/**
 * ghee's Write, management and identity APIs as TypeScript types, generated from the OpenAPI
 * document by openapi-typescript. Do not edit: run `npm run client:generate`
 * (test/integration/client.test.ts fails while this file differs from what the routes describe).
 */

export interface paths {
    "/v1/orgs/{orgId}/sso/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List SSO connections
         * @description The organization's OIDC and SAML connections (secrets never shown).
         */
        get: operations["listSsoConnections"];
        put?: never;
        /**
         * Create an SSO connection
         * @description An OIDC (issuer discovery, client id and secret) or SAML (IdP metadata URL or values) connection, with the role and mapping for new members.
         */
        post: operations["createSsoConnection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/sso/connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read an SSO connection
         * @description One connection with the values to enter at the identity provider.
         */
        get: operations["getSsoConnection"];
        put?: never;
        post?: never;
        /**
         * Delete an SSO connection
         * @description Refused (409) while an enforced policy depends on it.
         */
        delete: operations["deleteSsoConnection"];
        options?: never;
        head?: never;
        /**
         * Update an SSO connection
         * @description Its name, state, role mapping or protocol settings.
         */
        patch: operations["updateSsoConnection"];
        trace?: never;
    };
    "/v1/orgs/{orgId}/sso/connections/{id}/idp-metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Update a SAML IdP's values
         * @description New IdP values (certificate rollover); an empty body re-reads the metadata URL.
         */
        post: operations["updateSamlIdp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/sso/domains": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List SSO domains
         * @description Claimed email domains, their connection and verification state.
         */
        get: operations["listSsoDomains"];
        put?: never;
        /**
         * Claim an email domain
         * @description Answers the TXT record to publish in the domain's DNS; then verify.
         */
        post: operations["addSsoDomain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/sso/domains/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a domain
         * @description Releases the claim.
         */
        delete: operations["removeSsoDomain"];
        options?: never;
        head?: never;
        /**
         * Assign a domain to a connection
         * @description Which connection signs in this domain's addresses (null: none).
         */
        patch: operations["assignSsoDomain"];
        trace?: never;
    };
    "/v1/orgs/{orgId}/sso/domains/{id}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify a domain
         * @description Looks the TXT record up in DNS.
         */
        post: operations["verifySsoDomain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/sso/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the SSO policy
         * @description Whether SSO is enforced, the owners exempt from it (break-glass), and the session cap.
         */
        get: operations["getSsoPolicy"];
        /**
         * Change the SSO policy
         * @description Enforcement needs an enabled connection with a verified domain (no organization locks itself out); exemptions name owners only.
         */
        put: operations["updateSsoPolicy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/discover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Does this email sign in with SSO?
         * @description The same answer shape for every address: whether its domain signs in through SSO, and the login URL.
         */
        post: operations["discoverSso"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/login/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Start an SSO sign-in
         * @description A browser redirect to the identity provider (OIDC with PKCE and a state cookie, or a SAML AuthnRequest). Sign-ins take their turn (SSO_SIGN_IN_RATE per process, fair across connections); one not admitted within SSO_SIGN_IN_MAX_WAIT_MS is answered 503 with Retry-After.
         */
        get: operations["startSsoLogin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/oidc/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OIDC callback
         * @description The identity provider's redirect: checked against the state cookie of the browser that started, then a session cookie and a redirect to return_to.
         */
        get: operations["finishOidcLogin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/saml/{id}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * SAML service provider metadata
         * @description The SP metadata XML of a SAML connection, for the identity provider.
         */
        get: operations["getSamlMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/saml/{id}/acs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * SAML assertion consumer
         * @description The identity provider posts the signed SAML response (form-encoded `SAMLResponse`, `RelayState`); a session cookie and a redirect follow.
         */
        post: operations["samlAssertionConsumer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign up
         * @description Creates an organization and its owner, and mails a verification link. The answer is the same whether or not the email already has an account (no account enumeration).
         */
        post: operations["signUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify an email address
         * @description Consumes the single-use token from the verification mail.
         */
        post: operations["verifyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/captcha": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A captcha challenge
         * @description A proof-of-work challenge (ALTCHA), signed and valid for 10 minutes: solve it and send the solution as `captcha` when a login or sign-up answers captcha_required.
         */
        get: operations["getCaptcha"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in
         * @description Password (and a 2FA code or a recovery code when enrolled). Sets the session cookie (`__Host-`, Secure, HttpOnly, SameSite) and answers its CSRF token, required as `x-csrf-token` on every state change. Failures are generic and cost the same whether or not the account exists.
         */
        post: operations["logIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The current session
         * @description Who is signed in, the CSRF token, and the memberships (organization, role, default space).
         */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out
         * @description Ends this session and clears its cookie.
         */
        post: operations["logOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out everywhere
         * @description Ends every session of the user.
         */
        post: operations["logOutEverywhere"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request a password reset
         * @description Mails a reset link (valid 1 hour) if the account exists; the answer, and its timing, are the same either way.
         */
        post: operations["requestPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reset a password
         * @description The single-use token from the mail and a new password (checked against the password policy and known breaches). Ends every session.
         */
        post: operations["resetPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password/change": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the password
         * @description The current and a new password. Ends the other sessions; this one gets a new CSRF token.
         */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/reauthenticate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm the password
         * @description Password (and 2FA code): for REAUTH_MAX_AGE_MINUTES this session counts as recently signed in, which sensitive actions (2FA changes, key creation, …) require.
         */
        post: operations["reauthenticate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/2fa/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start 2FA enrolment
         * @description A new TOTP secret, its otpauth URI and a QR image; confirmed with a code. Needs a recent re-authentication.
         */
        post: operations["setUpTwoFactor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/2fa/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm 2FA enrolment
         * @description A code from the authenticator turns 2FA on and answers the recovery codes, once. Ends the other sessions.
         */
        post: operations["confirmTwoFactor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/2fa/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn 2FA off
         * @description Password and a 2FA (or recovery) code in the request. Refused where the organization requires 2FA.
         */
        post: operations["disableTwoFactor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your sessions
         * @description The live sessions of the signed-in user (newest use first), with the address and browser each was opened from; `current` marks this one.
         */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Sign out one session
         * @description Ends one of the signed-in user's sessions (another device, or this one). Another user's session, or one already ended, is 404.
         */
        delete: operations["revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read an organization
         * @description Its settings (members.read).
         */
        get: operations["getOrganization"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update an organization
         * @description Its name, and whether members must use 2FA (org.manage).
         */
        patch: operations["updateOrganization"];
        trace?: never;
    };
    "/v1/orgs/{orgId}/spaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List spaces
         * @description Every space for organization-wide members (and admin keys); only their own spaces for members invited to particular spaces.
         */
        get: operations["listSpaces"];
        put?: never;
        /**
         * Create a space
         * @description A new space (environment) in the organization (spaces.manage).
         */
        post: operations["createSpace"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List members
         * @description One entry per membership (organization-wide, or of one space).
         */
        get: operations["listMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member
         * @description From the organization (every membership), or with `space_id` from that space only. Their sessions end; an organization keeps at least one owner.
         */
        delete: operations["removeMember"];
        options?: never;
        head?: never;
        /**
         * Change a member's role
         * @description Sets the role of the organization-wide membership, or (with space_id) of that space's. Only owners touch the owner role; the member's sessions end.
         */
        patch: operations["updateMember"];
        trace?: never;
    };
    "/v1/orgs/{orgId}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List open invitations
         * @description Invitations not yet accepted, revoked or expired.
         */
        get: operations["listInvitations"];
        put?: never;
        /**
         * Invite a member
         * @description Mails an invitation (valid 7 days) for a role, organization-wide or in one space. Only owners invite owners.
         */
        post: operations["inviteMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/invitations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an invitation
         * @description The invitation can no longer be accepted.
         */
        delete: operations["revokeInvitation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit trail
         * @description The organization's audit events, newest first (audit.read).
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/audit-events/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify the audit trail
         * @description Recomputes the organization's audit hash chain; rows from before the chain are counted, not checked.
         */
        get: operations["verifyAuditChain"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation
         * @description Signed in as the invited address, or (no account yet) with a name and password that create it.
         */
        post: operations["acceptInvitation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/security-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security events
         * @description What the security rules raised for this organization (credential stuffing, key misuse, …), newest first; `next_cursor` pages on (audit.read).
         */
        get: operations["listSecurityEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Incidents
         * @description Incidents that concern this organization, with their timeline (audit.read).
         */
        get: operations["listIncidents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/security-settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security settings
         * @description The organization's rule thresholds and security contacts (audit.read).
         */
        get: operations["getSecuritySettings"];
        /**
         * Change security settings
         * @description Thresholds (which only tighten the deployment's: lower counts, longer windows) and security contacts (org.manage: signed-in owners and admins).
         */
        put: operations["updateSecuritySettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Operator sign-in
         * @description Platform operators only: password and TOTP code at every sign-in; sets the operator cookie. Locked out (429) after repeated failures.
         */
        post: operations["operatorLogIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Operator sign-out
         * @description Ends the operator session (its cookie and CSRF token).
         */
        post: operations["operatorLogOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/support-grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Support grants
         * @description The organization's grants of support access, with their state (support.manage).
         */
        get: operations["listSupportGrants"];
        put?: never;
        /**
         * Grant support access
         * @description Lets ghee's operators act in the named spaces (read_only or read_write) for at most 72 hours, for a reason; owners are mailed.
         */
        post: operations["createSupportGrant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/support-grants/{grantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a support grant
         * @description Ends it at once.
         */
        delete: operations["revokeSupportGrant"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/support-access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Support access log
         * @description Every request operators made under the organization's grants, newest first.
         */
        get: operations["listSupportAccess"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/ip-allowlist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Management IP allowlist
         * @description The networks API keys and sessions of the organization may manage from (allowlist.manage).
         */
        get: operations["getIpAllowlist"];
        /**
         * Set the management IP allowlist
         * @description CIDRs for API keys and for sessions (refused when it would lock out the request making it); `enforce_reads` extends it to keyed Content API reads at the edge. A session needs a recent re-authentication.
         */
        put: operations["setIpAllowlist"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/ip-allowlist/break-glass": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lift the IP allowlist (break-glass)
         * @description An owner signed in with 2FA, after a recent re-authentication, lifts the allowlist with a reason (audited, owners mailed).
         */
        post: operations["breakGlassIpAllowlist"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/retention": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retention policy
         * @description The organization's overrides and the effective policy over the deployment's defaults (org.manage).
         */
        get: operations["getRetention"];
        /**
         * Change the retention policy
         * @description Overrides per data class (audit at least 30 days; unknown classes refused).
         */
        put: operations["updateRetention"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The organization's exports
         * @description Exports and their state, with signed download links when ready.
         */
        get: operations["listOrganizationExports"];
        put?: never;
        /**
         * Export the organization
         * @description Queues an encrypted archive of the organization's data; the AES-256-GCM key is answered once, here. Needs a recent re-authentication. The body, if any, is `{}`.
         */
        post: operations["requestOrganizationExport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One organization export
         * @description Its state, and a signed download link when ready.
         */
        get: operations["getOrganizationExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/me/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export my personal data
         * @description Queues an encrypted archive of the signed-in user's data; the key is answered once. Needs a recent re-authentication.
         */
        post: operations["requestPersonalExport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/me/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One personal export
         * @description Its state, and a signed download link when ready.
         */
        get: operations["getPersonalExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/me/erase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Erase my account
         * @description Erases the signed-in user's personal data everywhere (GDPR art. 17) and ends the session; answers the erasure certificate's id. Needs a recent re-authentication and `{"confirm": true}`; refused for an organization's last owner.
         */
        post: operations["eraseMe"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an export
         * @description The encrypted archive, by a signed, expiring link (the link is the credential).
         */
        get: operations["downloadExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/deletion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The scheduled deletion
         * @description When the organization is to be deleted (404 when none is scheduled).
         */
        get: operations["getOrganizationDeletion"];
        put?: never;
        /**
         * Schedule the organization's deletion
         * @description Owners (org.delete), after a recent re-authentication and with a 2FA code when enrolled; cancellable until it runs.
         */
        post: operations["requestOrganizationDeletion"];
        /**
         * Cancel the scheduled deletion
         * @description Owners (org.delete).
         */
        delete: operations["cancelOrganizationDeletion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API keys
         * @description The organization's keys: prefix and last four characters, never the token or its hash (keys.read).
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an API key
         * @description A read, preview, write (of a space) or admin (of the organization) key. Scopes never exceed the creator's (403 otherwise). A session needs a recent re-authentication (403 reauthentication_required). The token is answered once.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/api-keys/{keyId}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate an API key
         * @description A new key with the same kind, space and scopes; the old one keeps working for `grace_seconds` (default: the configured grace), then expires. The body is optional. The new token is answered once.
         */
        post: operations["rotateApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key
         * @description Revoked at once, and purged from the edge's cache of key records. Revoking a revoked key is 409.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/billing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the organization's billing
         * @description Plan, subscription status, period end, grace period, and usage against every limit. With BILLING=off: `billing: "off"` and no limits.
         */
        get: operations["getBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/billing/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a subscription checkout
         * @description A Stripe Checkout Session for a paid plan (one subscription per organization: plan changes go through the portal). 409 with BILLING=off; 502 when Stripe refuses; 503 when Stripe is down.
         */
        post: operations["startCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orgs/{orgId}/billing/portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open the billing portal
         * @description A Stripe Customer Portal session (payment methods, invoices, plan changes). 409 with BILLING=off.
         */
        post: operations["openBillingPortal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/stripe/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe webhook
         * @description Stripe's events, verified by the `Stripe-Signature` header over the raw body (no session or key). Duplicates are acknowledged and not applied twice. 404 with BILLING=off.
         */
        post: operations["receiveStripeEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload an asset
         * @description The raw bytes as the body (at most 10485760 bytes), its type as Content-Type (one of the allowed types), its file name as `filename`. Served publicly and immutably at the answered `url`.
         */
        post: operations["uploadAsset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the media library
         * @description The space's assets, newest first (never their bytes: each `url` serves them).
         */
        get: operations["listAssets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/assets/{assetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete an asset
         * @description Removes the asset: its URL answers 404 from then on (the edge copy is purged). Content that still links to it keeps the link.
         */
        delete: operations["deleteAsset"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/media-imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List media imports
         * @description The space's media imports (images fetched from URLs into the asset store), newest first.
         */
        get: operations["listMediaImports"];
        put?: never;
        /**
         * Queue media imports
         * @description Queues up to 100 absolute http(s) URLs for import (a URL already queued is not queued twice).
         */
        post: operations["queueMediaImports"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/media-imports/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a failed media import
         * @description Queues a `failed` import again.
         */
        post: operations["retryMediaImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/{spaceId}/{assetId}/{filename}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an asset
         * @description The stored bytes with their Content-Type; public (no key), immutable (cached for a year), tagged for purging.
         */
        get: operations["getAsset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/pages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a page
         * @description Creates a page (a draft unless `status` is `published`, which needs the publish right). Without `?locale=`, `fields` may be keyed by locale to create every locale at once. Answers 202 once the page, its revision and its cache purge are committed (ButterCMS Write API compatible).
         */
        post: operations["createPage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/pages/{pageType}/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update a page (PUT, same as PATCH)
         * @description A partial update: title, status (`scheduled` with a future `scheduled` time), fields. `If-Match: "v<n>"` (with `?locale=`) makes it conditional. PUT behaves as PATCH, as in ButterCMS.
         */
        put: operations["replacePage"];
        post?: never;
        /**
         * Delete a page
         * @description Soft-deletes the page (restorable with POST …/restore). `If-Match` makes it conditional.
         */
        delete: operations["deletePage"];
        options?: never;
        head?: never;
        /**
         * Update a page
         * @description A partial update: title, status (`scheduled` with a future `scheduled` time), fields. `If-Match: "v<n>"` (with `?locale=`) makes it conditional. Answers 202 with the new version as ETag.
         */
        patch: operations["updatePage"];
        trace?: never;
    };
    "/v2/manage/pages/{pageType}/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a page for editing
         * @description The working copy (draft or published) with its version; `ETag: "v<n>"` is the value for If-Match.
         */
        get: operations["getManagedPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/pages/{pageType}/{slug}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A page's revisions
         * @description Every saved revision, newest first, with the key or member that saved it.
         */
        get: operations["listPageRevisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/pages/{pageType}/{slug}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll a page back to a revision
         * @description A new save with that revision's title and fields (status as given, else the revision's). Needs the publish right.
         */
        post: operations["rollbackPage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/pages/{pageType}/{slug}/unpublish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unpublish a page
         * @description Takes the published version down (public reads answer 404; the edge is purged) and makes the page a draft; its working copy stays, and a scheduled publication is cancelled. A save with `status: "draft"` does not do this: it keeps the published version live. Needs the publish right. 409 when nothing is published.
         */
        post: operations["unpublishPage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/pages/{pageType}/{slug}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a deleted page
         * @description Undoes a delete.
         */
        post: operations["restorePage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/pages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a space's pages for editing
         * @description Every page of the space as editors see it — drafts, scheduled, published (or deleted ones with `status=deleted`) — newest change first, with who saved it last. Filters: `page_type` (`*` for single pages), `status`, `locale`, `author` (a member's id: pages whose last save was theirs), `query` (in the title or slug). The Content API's lists (GET /v2/pages/{type}) serve published content to API keys; this is the working copies.
         */
        get: operations["listManagedPages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/pages/{pageType}/{slug}/revisions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One revision of a page, with its fields
         * @description The title, status and fields a revision saved (for a field-level diff against the working copy before a rollback).
         */
        get: operations["getPageRevision"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhooks
         * @description The space's webhooks (never their secrets).
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Create a webhook
         * @description Subscribes a URL (public http(s); private and loopback addresses are refused) to events. The signing secret is answered once, here.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A webhook's delivery log
         * @description The latest 50 deliveries, newest first: status, attempts, the last answer.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/webhooks/{id}/deliveries/{deliveryId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a failed webhook delivery
         * @description Queues a delivery that gave up (`failed`) again: attempts start from 0 and it is due now. Any other delivery (pending, delivered, of another webhook or space) answers 404.
         */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a webhook
         * @description Stops deliveries to it.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/page_types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List page types
         * @description Every page type of the space with its fields.
         */
        get: operations["listPageTypes"];
        put?: never;
        /**
         * Create a page type
         * @description Defines a page type: its slug, name and typed fields (`fields` is checked against the field schema; a bad one is a 400 naming the field).
         */
        post: operations["createPageType"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/page_types/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a page type
         * @description One page type with its fields.
         */
        get: operations["getPageType"];
        /**
         * Update a page type
         * @description Renames it or replaces its fields; refused (400) when an existing page of the type would no longer validate.
         */
        put: operations["updatePageType"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/locales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List locales
         * @description The locales of the space, the default flagged.
         */
        get: operations["listLocales"];
        put?: never;
        /**
         * Add a locale
         * @description Adds a locale to the space (optionally as its default).
         */
        post: operations["createLocale"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/collections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List collections
         * @description Every collection of the space with its fields.
         */
        get: operations["listCollections"];
        put?: never;
        /**
         * Create a collection
         * @description Defines a collection: its key, name and typed fields (references name another collection).
         */
        post: operations["createCollection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/collections/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a collection's definition
         * @description One collection with its fields.
         */
        get: operations["getCollection"];
        /**
         * Update a collection's definition
         * @description Renames it or replaces its fields; refused (400) when an existing item would no longer validate.
         */
        put: operations["updateCollection"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/content/{key}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a collection item for editing
         * @description The working copy with its version; `ETag: "v<n>"` is the value for If-Match.
         */
        get: operations["getManagedCollectionItem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/content/{key}/{id}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A collection item's revisions
         * @description Every saved revision, newest first, with the key or member that saved it.
         */
        get: operations["listCollectionItemRevisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/content/{key}/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll a collection item back to a revision
         * @description A new save with exactly that revision's fields (status as given, else the revision's). Needs the publish right.
         */
        post: operations["rollbackCollectionItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/collections/{key}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a collection's items for editing
         * @description Every item of the collection as editors see it — drafts, scheduled, published (or deleted ones with `status=deleted`), one entry per locale — newest change first, with its label and who saved it last. Filters: `status`, `locale`, `author` (a member's id: items whose last save was theirs), `query` (text in any of the item's text values). The Content API's read (GET /v2/content/{key}) serves published content to API keys; this is the working copies.
         */
        get: operations["listManagedItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/content/{key}/{id}/revisions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One revision of a collection item, with its fields
         * @description The label, status and fields a revision saved (for a field-level diff against the working copy before a rollback). `locale` names the item's locale (default: the space's default locale).
         */
        get: operations["getItemRevision"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/content/{key}/{id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a deleted collection item
         * @description Undoes a delete.
         */
        post: operations["restoreCollectionItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create collection items
         * @description Creates 1–100 items in one collection (ButterCMS Write API). Each entry of `fields` is one item; without `?locale=` an entry may be keyed by locale to create every locale at once. `status` `scheduled` with a future `scheduled` time publishes later.
         */
        post: operations["createCollectionItems"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/content/{key}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace a collection item's fields
         * @description PUT replaces every field (fields not sent are cleared). `If-Match: "v<n>"` (with `?locale=`) makes it conditional.
         */
        put: operations["replaceCollectionItem"];
        post?: never;
        /**
         * Delete a collection item
         * @description Soft-deletes the item (restorable). `If-Match` makes it conditional.
         */
        delete: operations["deleteCollectionItem"];
        options?: never;
        head?: never;
        /**
         * Update a collection item
         * @description PATCH merges the fields sent into the item. `If-Match: "v<n>"` (with `?locale=`) makes it conditional.
         */
        patch: operations["updateCollectionItem"];
        trace?: never;
    };
    "/v2/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a blog post
         * @description Creates a post (a draft unless `status` is `published`; `scheduled` with a future time publishes later). The author is named by email or slug; categories and tags by name (created as needed). Body and summary HTML is sanitised.
         */
        post: operations["createPost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/posts/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update a blog post (PUT, same as PATCH)
         * @description A partial update of the fields sent. `If-Match: "v<n>"` makes it conditional. PUT behaves as PATCH, as in ButterCMS.
         */
        put: operations["replacePost"];
        post?: never;
        /**
         * Delete a blog post
         * @description Soft-deletes the post (restorable). `If-Match` makes it conditional.
         */
        delete: operations["deletePost"];
        options?: never;
        head?: never;
        /**
         * Update a blog post
         * @description A partial update of the fields sent. `If-Match: "v<n>"` makes it conditional.
         */
        patch: operations["updatePost"];
        trace?: never;
    };
    "/v2/manage/posts/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a blog post for editing
         * @description The working copy with its status, schedule and version; `ETag: "v<n>"` is the value for If-Match.
         */
        get: operations["getManagedPost"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/posts/{slug}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A blog post's revisions
         * @description Every saved revision, newest first, with the key or member that saved it.
         */
        get: operations["listPostRevisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/posts/{slug}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll a blog post back to a revision
         * @description A new save with exactly that revision's content (status as given, else the revision's). Needs the publish right.
         */
        post: operations["rollbackPost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a space's blog posts for editing
         * @description Every post of the space as editors see it — drafts, scheduled, published (or deleted ones with `status=deleted`) — newest change first, with its blog author and who saved it last. Filters: `status`, `author` (a member's id: posts whose last save was theirs), `author_slug` (the blog author), `category_slug`, `tag_slug`, `query` (in the title or slug). The Content API's lists (GET /v2/posts) serve published posts to API keys; this is the working copies.
         */
        get: operations["listManagedPosts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/posts/{slug}/revisions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One revision of a blog post, with its content
         * @description The title, status and content a revision saved — `fields`: body, summary, SEO texts, featured image, author slug, category and tag names — for a field-level diff against the working copy before a rollback.
         */
        get: operations["getPostRevision"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/posts/{slug}/unpublish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unpublish a blog post
         * @description Takes the published version down (public reads, lists and feeds no longer show it; the edge is purged) and makes the post a draft; its working copy stays, and a scheduled publication is cancelled. A save with `status: "draft"` does not do this: it keeps the published version live. Needs the publish right. 409 when nothing is published.
         */
        post: operations["unpublishPost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/posts/{slug}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a deleted blog post
         * @description Undoes a delete.
         */
        post: operations["restorePost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/manage/spaces/{spaceId}/authors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an author
         * @description Adds a blog author to the space (schema.manage).
         */
        post: operations["createAuthor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "detail": "Not found.",
         *       "code": "not_found",
         *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
         *     }
         */
        Error: {
            /** @description What went wrong, for a person (ButterCMS-compatible `detail`). */
            detail: string;
            /**
             * @description Stable, machine-readable code; each maps to one status.
             * @enum {string}
             */
            code: "bad_request" | "invalid_token" | "unauthenticated" | "forbidden" | "captcha_required" | "email_unverified" | "mfa_enrollment_required" | "csrf_failed" | "reauthentication_required" | "otp_required" | "invalid_credentials" | "conflict" | "plan_limit" | "waf_blocked" | "ip_blocked" | "https_required" | "cors_forbidden" | "not_found" | "method_not_allowed" | "precondition_failed" | "payload_too_large" | "uri_too_long" | "unsupported_media_type" | "rate_limited" | "headers_too_large" | "internal_error" | "bad_gateway" | "unavailable" | "gateway_timeout";
            /** @description The request id (also the `x-request-id` header): quote it in a report. */
            request_id: string;
        };
    };
    responses: {
        /** @description Error (`bad_request`), in the one error shape. */
        Error400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Bad request.",
                 *       "code": "bad_request",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`invalid_token`, `unauthenticated`, `otp_required`, `invalid_credentials`), in the one error shape. */
        Error401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Invalid token",
                 *       "code": "invalid_token",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`plan_limit`), in the one error shape. */
        Error402: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "This would exceed your plan's limits.",
                 *       "code": "plan_limit",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`forbidden`, `captcha_required`, `email_unverified`, `mfa_enrollment_required`, `csrf_failed`, `reauthentication_required`, `waf_blocked`, `ip_blocked`, `https_required`, `cors_forbidden`), in the one error shape. */
        Error403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "You do not have permission to perform this action.",
                 *       "code": "forbidden",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`not_found`), in the one error shape. */
        Error404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Not found.",
                 *       "code": "not_found",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`conflict`), in the one error shape. */
        Error409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "The request conflicts with the current state.",
                 *       "code": "conflict",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`precondition_failed`), in the one error shape. */
        Error412: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "The resource has changed since you read it.",
                 *       "code": "precondition_failed",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`payload_too_large`), in the one error shape. */
        Error413: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Request body too large.",
                 *       "code": "payload_too_large",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`unsupported_media_type`), in the one error shape. */
        Error415: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Unsupported media type.",
                 *       "code": "unsupported_media_type",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`rate_limited`), in the one error shape. */
        Error429: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                "RateLimit-Reset": components["headers"]["RateLimitReset"];
                "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Request was throttled.",
                 *       "code": "rate_limited",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`internal_error`), in the one error shape. */
        Error500: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Internal server error.",
                 *       "code": "internal_error",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`bad_gateway`), in the one error shape. */
        Error502: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "The origin could not be reached.",
                 *       "code": "bad_gateway",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Error (`unavailable`), in the one error shape. */
        Error503: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": "Service unavailable.",
                 *       "code": "unavailable",
                 *       "request_id": "01J8ZK5X4C2N9T7W3Q6R8Y1B0E"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /**
         * @description The version of the management view, `"v<n>"`: send it back as If-Match to make a write conditional.
         * @example "v3"
         */
        ETag: string;
        /** @description Space-separated cache tags of this response; a write purges the tags it touches (the edge strips this header before clients see it, unless debugging). */
        SurrogateKey: string;
        /** @description How long the edge may keep this response (max-age, stale-while-revalidate, stale-if-error). */
        SurrogateControl: string;
        /** @description How long a browser may keep this response. */
        CacheControl: string;
        /** @description Seconds to wait before retrying. */
        RetryAfter: string;
        /** @description Requests allowed in the window of the tightest limit that applies. */
        RateLimitLimit: string;
        /** @description Requests left in that window. */
        RateLimitRemaining: string;
        /** @description Seconds until that window resets. */
        RateLimitReset: string;
        /** @description The limit as `<limit>;w=<window seconds>`. */
        RateLimitPolicy: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listSsoConnections: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connections. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *           "protocol": "oidc",
                     *           "name": "Okta",
                     *           "enabled": true,
                     *           "default_role": "author",
                     *           "mapping_rules": [],
                     *           "mapping_mode": "every_login",
                     *           "allow_idp_initiated": false,
                     *           "settings": {
                     *             "issuer": "https://example.okta.com",
                     *             "client_id": "ghee",
                     *             "scopes": [
                     *               "openid",
                     *               "email",
                     *               "profile"
                     *             ]
                     *           },
                     *           "has_secret": true,
                     *           "service_provider": {
                     *             "redirect_uri": "https://app.ghee.example/v1/auth/sso/oidc/callback"
                     *           },
                     *           "created_at": "2026-01-05T09:30:00.000Z",
                     *           "updated_at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            /** @enum {string} */
                            protocol: "oidc" | "saml";
                            name: string;
                            enabled: boolean;
                            default_role: string;
                            mapping_rules: unknown;
                            mapping_mode: string;
                            allow_idp_initiated: boolean;
                            /** @description OIDC: issuer, client_id, scopes. SAML: IdP entity id, SSO URL, certificates, attributes, metadata URL, SP certificate. */
                            settings: {
                                [key: string]: unknown;
                            };
                            has_secret: boolean;
                            /** @description The values to enter at the IdP (redirect URI, or SAML entity id, ACS URL, metadata URL). */
                            service_provider: {
                                [key: string]: unknown;
                            };
                            created_at: string;
                            updated_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createSsoConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "protocol": "oidc",
                 *       "name": "Okta",
                 *       "issuer": "https://example.okta.com",
                 *       "client_id": "ghee",
                 *       "client_secret": "a-client-secret"
                 *     }
                 */
                "application/json": {
                    /** @constant */
                    protocol: "oidc";
                    name: string;
                    enabled?: boolean;
                    /** @enum {string} */
                    default_role?: "admin" | "publisher" | "author" | "viewer" | "billing";
                    mapping_rules?: {
                        claim: string;
                        value: string;
                        /** @enum {string} */
                        role: "admin" | "publisher" | "author" | "viewer" | "billing";
                    }[];
                    /** @enum {string} */
                    mapping_mode?: "every_login" | "creation";
                    /** Format: uri */
                    issuer: string;
                    client_id: string;
                    client_secret: string;
                    scopes?: string[];
                } | {
                    /** @constant */
                    protocol: "saml";
                    name: string;
                    enabled?: boolean;
                    /** @enum {string} */
                    default_role?: "admin" | "publisher" | "author" | "viewer" | "billing";
                    mapping_rules?: {
                        claim: string;
                        value: string;
                        /** @enum {string} */
                        role: "admin" | "publisher" | "author" | "viewer" | "billing";
                    }[];
                    /** @enum {string} */
                    mapping_mode?: "every_login" | "creation";
                    idp_metadata_xml?: string;
                    /** Format: uri */
                    idp_metadata_url?: string;
                    idp_entity_id?: string;
                    /** Format: uri */
                    idp_sso_url?: string;
                    idp_certificates?: string[];
                    allow_idp_initiated?: boolean;
                    want_response_signed?: boolean;
                    email_attribute?: string;
                    groups_attribute?: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "protocol": "oidc",
                     *         "name": "Okta",
                     *         "enabled": true,
                     *         "default_role": "author",
                     *         "mapping_rules": [],
                     *         "mapping_mode": "every_login",
                     *         "allow_idp_initiated": false,
                     *         "settings": {
                     *           "issuer": "https://example.okta.com",
                     *           "client_id": "ghee",
                     *           "scopes": [
                     *             "openid",
                     *             "email",
                     *             "profile"
                     *           ]
                     *         },
                     *         "has_secret": true,
                     *         "service_provider": {
                     *           "redirect_uri": "https://app.ghee.example/v1/auth/sso/oidc/callback"
                     *         },
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "updated_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            /** @enum {string} */
                            protocol: "oidc" | "saml";
                            name: string;
                            enabled: boolean;
                            default_role: string;
                            mapping_rules: unknown;
                            mapping_mode: string;
                            allow_idp_initiated: boolean;
                            /** @description OIDC: issuer, client_id, scopes. SAML: IdP entity id, SSO URL, certificates, attributes, metadata URL, SP certificate. */
                            settings: {
                                [key: string]: unknown;
                            };
                            has_secret: boolean;
                            /** @description The values to enter at the IdP (redirect URI, or SAML entity id, ACS URL, metadata URL). */
                            service_provider: {
                                [key: string]: unknown;
                            };
                            created_at: string;
                            updated_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    getSsoConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "protocol": "oidc",
                     *         "name": "Okta",
                     *         "enabled": true,
                     *         "default_role": "author",
                     *         "mapping_rules": [],
                     *         "mapping_mode": "every_login",
                     *         "allow_idp_initiated": false,
                     *         "settings": {
                     *           "issuer": "https://example.okta.com",
                     *           "client_id": "ghee",
                     *           "scopes": [
                     *             "openid",
                     *             "email",
                     *             "profile"
                     *           ]
                     *         },
                     *         "has_secret": true,
                     *         "service_provider": {
                     *           "redirect_uri": "https://app.ghee.example/v1/auth/sso/oidc/callback"
                     *         },
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "updated_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            /** @enum {string} */
                            protocol: "oidc" | "saml";
                            name: string;
                            enabled: boolean;
                            default_role: string;
                            mapping_rules: unknown;
                            mapping_mode: string;
                            allow_idp_initiated: boolean;
                            /** @description OIDC: issuer, client_id, scopes. SAML: IdP entity id, SSO URL, certificates, attributes, metadata URL, SP certificate. */
                            settings: {
                                [key: string]: unknown;
                            };
                            has_secret: boolean;
                            /** @description The values to enter at the IdP (redirect URI, or SAML entity id, ACS URL, metadata URL). */
                            service_provider: {
                                [key: string]: unknown;
                            };
                            created_at: string;
                            updated_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    deleteSsoConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateSsoConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "enabled": false
                 *     }
                 */
                "application/json": {
                    name?: string;
                    enabled?: boolean;
                    /** @enum {string} */
                    default_role?: "admin" | "publisher" | "author" | "viewer" | "billing";
                    mapping_rules?: {
                        claim: string;
                        value: string;
                        /** @enum {string} */
                        role: "admin" | "publisher" | "author" | "viewer" | "billing";
                    }[];
                    /** @enum {string} */
                    mapping_mode?: "every_login" | "creation";
                    client_secret?: string;
                    scopes?: string[];
                    allow_idp_initiated?: boolean;
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "protocol": "oidc",
                     *         "name": "Okta",
                     *         "enabled": false,
                     *         "default_role": "author",
                     *         "mapping_rules": [],
                     *         "mapping_mode": "every_login",
                     *         "allow_idp_initiated": false,
                     *         "settings": {
                     *           "issuer": "https://example.okta.com",
                     *           "client_id": "ghee",
                     *           "scopes": [
                     *             "openid",
                     *             "email",
                     *             "profile"
                     *           ]
                     *         },
                     *         "has_secret": true,
                     *         "service_provider": {
                     *           "redirect_uri": "https://app.ghee.example/v1/auth/sso/oidc/callback"
                     *         },
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "updated_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            /** @enum {string} */
                            protocol: "oidc" | "saml";
                            name: string;
                            enabled: boolean;
                            default_role: string;
                            mapping_rules: unknown;
                            mapping_mode: string;
                            allow_idp_initiated: boolean;
                            /** @description OIDC: issuer, client_id, scopes. SAML: IdP entity id, SSO URL, certificates, attributes, metadata URL, SP certificate. */
                            settings: {
                                [key: string]: unknown;
                            };
                            has_secret: boolean;
                            /** @description The values to enter at the IdP (redirect URI, or SAML entity id, ACS URL, metadata URL). */
                            service_provider: {
                                [key: string]: unknown;
                            };
                            created_at: string;
                            updated_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    updateSamlIdp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "application/json": {
                    idp_metadata_xml?: string;
                    /** Format: uri */
                    idp_metadata_url?: string;
                    idp_entity_id?: string;
                    /** Format: uri */
                    idp_sso_url?: string;
                    idp_certificates?: string[];
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "protocol": "oidc",
                     *         "name": "Okta",
                     *         "enabled": true,
                     *         "default_role": "author",
                     *         "mapping_rules": [],
                     *         "mapping_mode": "every_login",
                     *         "allow_idp_initiated": false,
                     *         "settings": {
                     *           "issuer": "https://example.okta.com",
                     *           "client_id": "ghee",
                     *           "scopes": [
                     *             "openid",
                     *             "email",
                     *             "profile"
                     *           ]
                     *         },
                     *         "has_secret": true,
                     *         "service_provider": {
                     *           "redirect_uri": "https://app.ghee.example/v1/auth/sso/oidc/callback"
                     *         },
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "updated_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            /** @enum {string} */
                            protocol: "oidc" | "saml";
                            name: string;
                            enabled: boolean;
                            default_role: string;
                            mapping_rules: unknown;
                            mapping_mode: string;
                            allow_idp_initiated: boolean;
                            /** @description OIDC: issuer, client_id, scopes. SAML: IdP entity id, SSO URL, certificates, attributes, metadata URL, SP certificate. */
                            settings: {
                                [key: string]: unknown;
                            };
                            has_secret: boolean;
                            /** @description The values to enter at the IdP (redirect URI, or SAML entity id, ACS URL, metadata URL). */
                            service_provider: {
                                [key: string]: unknown;
                            };
                            created_at: string;
                            updated_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    listSsoDomains: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The domains. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
                     *           "domain": "example.org",
                     *           "connection_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *           "verified": false,
                     *           "verified_at": null,
                     *           "txt_record": "ghee-verification=4f9a2c"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            domain: string;
                            connection_id: string | null;
                            verified: boolean;
                            verified_at: string | null;
                            txt_record: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    addSsoDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "domain": "example.org",
                 *       "connection_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
                 *     }
                 */
                "application/json": {
                    domain: string;
                    connection_id?: string | null;
                };
            };
        };
        responses: {
            /** @description Claimed. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
                     *         "domain": "example.org",
                     *         "connection_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "verified": false,
                     *         "verified_at": null,
                     *         "txt_record": "ghee-verification=4f9a2c"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            domain: string;
                            connection_id: string | null;
                            verified: boolean;
                            verified_at: string | null;
                            txt_record: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    removeSsoDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The domain.
                 * @example 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    assignSsoDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The domain.
                 * @example 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "connection_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
                 *     }
                 */
                "application/json": {
                    connection_id: string | null;
                };
            };
        };
        responses: {
            /** @description Assigned. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
                     *         "domain": "example.org",
                     *         "connection_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "verified": false,
                     *         "verified_at": null,
                     *         "txt_record": "ghee-verification=4f9a2c"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            domain: string;
                            connection_id: string | null;
                            verified: boolean;
                            verified_at: string | null;
                            txt_record: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    verifySsoDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The domain.
                 * @example 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The domain, verified or not. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
                     *         "domain": "example.org",
                     *         "connection_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                     *         "verified": true,
                     *         "verified_at": "2026-01-05T09:30:00.000Z",
                     *         "txt_record": "ghee-verification=4f9a2c"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            domain: string;
                            connection_id: string | null;
                            verified: boolean;
                            verified_at: string | null;
                            txt_record: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    getSsoPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "enforced": true,
                     *         "exempt_user_ids": [
                     *           "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
                     *         ],
                     *         "session_max_minutes": 720
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            enforced: boolean;
                            exempt_user_ids: string[];
                            session_max_minutes: number | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateSsoPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "enforced": true,
                 *       "exempt_user_ids": [
                 *         "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
                 *       ],
                 *       "session_max_minutes": 720
                 *     }
                 */
                "application/json": {
                    enforced?: boolean;
                    exempt_user_ids?: string[];
                    session_max_minutes?: number | null;
                };
            };
        };
        responses: {
            /** @description Changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "enforced": true,
                     *         "exempt_user_ids": [
                     *           "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
                     *         ],
                     *         "session_max_minutes": 720
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            enforced: boolean;
                            exempt_user_ids: string[];
                            session_max_minutes: number | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    discoverSso: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.org"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                };
            };
        };
        responses: {
            /** @description The answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "sso": true,
                     *         "login_url": "https://app.ghee.example/v1/auth/sso/login/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            sso: boolean;
                            login_url: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    startSsoLogin: {
        parameters: {
            query?: {
                /**
                 * @description A same-origin path to land on afterwards.
                 * @example /dashboard
                 */
                return_to?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the identity provider. */
            302: {
                headers: {
                    /** @description Where the browser goes next. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    finishOidcLogin: {
        parameters: {
            query?: {
                /** @description The state of the sign-in. */
                state?: string;
                /** @description The authorization code. */
                code?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed in: to return_to. */
            302: {
                headers: {
                    /** @description Where the browser goes next. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    getSamlMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example <EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/> */
                    "application/samlmetadata+xml": string;
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    samlAssertionConsumer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The SSO connection.
                 * @example 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "SAMLResponse": "PHNhbWxwOlJlc3BvbnNlLz4=",
                 *       "RelayState": "state"
                 *     }
                 */
                "application/x-www-form-urlencoded": {
                    SAMLResponse: string;
                    RelayState?: string;
                };
            };
        };
        responses: {
            /** @description Signed in: to return_to. */
            302: {
                headers: {
                    /** @description Where the browser goes next. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    signUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.org",
                 *       "password": "correct horse battery staple",
                 *       "name": "Ada Lovelace",
                 *       "organization_name": "Analytical Engines"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                    password: string;
                    name: string;
                    organization_name: string;
                };
            };
        };
        responses: {
            /** @description Verification mail on its way. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "verification_sent",
                     *       "password_strength": {
                     *         "score": 4
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "verification_sent";
                        password_strength: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    verifyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "vR8sT2kLm9Qx4ZbN7cWd1YfH3gJp6aEu"
                 *     }
                 */
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Verified. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "verified"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "verified";
                    };
                };
            };
            400: components["responses"]["Error400"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getCaptcha: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The challenge. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "parameters": {
                     *         "algorithm": "PBKDF2/SHA-256"
                     *       },
                     *       "signature": "9f86d081884c7d65"
                     *     }
                     */
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    logIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.org",
                 *       "password": "correct horse battery staple",
                 *       "otp": "123456"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                    password: string;
                    otp?: string;
                    recovery_code?: string;
                    captcha?: string;
                };
            };
        };
        responses: {
            /** @description Signed in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "signed_in",
                     *       "csrf_token": "k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe",
                     *       "expires_at": "2026-01-05T09:30:00.000Z"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "signed_in";
                        csrf_token: string;
                        expires_at: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "user_id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
                     *         "email": "ada@example.org",
                     *         "two_factor": true,
                     *         "csrf_token": "k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe",
                     *         "memberships": [
                     *           {
                     *             "organization_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *             "space_id": null,
                     *             "role": "owner",
                     *             "name": "Analytical Engines",
                     *             "default_space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d"
                     *           }
                     *         ]
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            user_id: string;
                            email: string;
                            two_factor: boolean;
                            csrf_token: string;
                            memberships: {
                                organization_id: string;
                                space_id: string | null;
                                role: string;
                                name: string;
                                default_space_id: string | null;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    logOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "signed_out"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "signed_out";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    logOutEverywhere: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "signed_out",
                     *       "sessions_revoked": 3
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "signed_out";
                        sessions_revoked: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    requestPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.org"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                };
            };
        };
        responses: {
            /** @description Accepted. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "reset_sent"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "reset_sent";
                    };
                };
            };
            400: components["responses"]["Error400"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    resetPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "vR8sT2kLm9Qx4ZbN7cWd1YfH3gJp6aEu",
                 *       "password": "a new long passphrase"
                 *     }
                 */
                "application/json": {
                    token: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Reset. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "password_reset"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "password_reset";
                    };
                };
            };
            400: components["responses"]["Error400"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "current_password": "correct horse battery staple",
                 *       "new_password": "a new long passphrase"
                 *     }
                 */
                "application/json": {
                    current_password: string;
                    new_password: string;
                };
            };
        };
        responses: {
            /** @description Changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "password_changed",
                     *       "csrf_token": "k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "password_changed";
                        csrf_token: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    reauthenticate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "password": "correct horse battery staple",
                 *       "otp": "123456"
                 *     }
                 */
                "application/json": {
                    password: string;
                    otp?: string;
                    recovery_code?: string;
                };
            };
        };
        responses: {
            /** @description Confirmed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "reauthenticated",
                     *       "valid_until": "2026-01-05T09:30:00.000Z"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "reauthenticated";
                        valid_until: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    setUpTwoFactor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secret to enrol. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "secret": "JBSWY3DPEHPK3PXP",
                     *         "otpauth_uri": "otpauth://totp/ghee:ada%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=ghee",
                     *         "qr_image": "data:image/png;base64,iVBORw0KGgo="
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            secret: string;
                            otpauth_uri: string;
                            qr_image: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    confirmTwoFactor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "123456"
                 *     }
                 */
                "application/json": {
                    code: string;
                };
            };
        };
        responses: {
            /** @description Enrolled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "recovery_codes": [
                     *           "k3mf-9xq2-h7wd"
                     *         ],
                     *         "csrf_token": "k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            recovery_codes: string[];
                            csrf_token: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    disableTwoFactor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "password": "correct horse battery staple",
                 *       "otp": "123456"
                 *     }
                 */
                "application/json": {
                    password: string;
                    otp?: string;
                    recovery_code?: string;
                };
            };
        };
        responses: {
            /** @description Disabled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "disabled",
                     *       "csrf_token": "k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "disabled";
                        csrf_token: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sessions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "0b7c6f9e-3d7a-4f38-9a55-2f7b1f0c8e21",
                     *           "current": true,
                     *           "auth_method": "password",
                     *           "created_at": "2026-01-05T09:30:00.000Z",
                     *           "last_seen_at": "2026-01-05T09:30:00.000Z",
                     *           "expires_at": "2026-01-05T09:30:00.000Z",
                     *           "ip": "203.0.113.7",
                     *           "user_agent": "Mozilla/5.0"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            id: string;
                            current: boolean;
                            auth_method: string;
                            created_at: string;
                            last_seen_at: string;
                            expires_at: string;
                            ip: string | null;
                            user_agent: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "signed_out"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "signed_out";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organization. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *         "slug": "analytical-engines",
                     *         "name": "Analytical Engines",
                     *         "require_2fa": false,
                     *         "created_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            slug: string;
                            name: string;
                            require_2fa: boolean;
                            created_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Analytical Engines Ltd",
                 *       "require_2fa": true
                 *     }
                 */
                "application/json": {
                    name?: string;
                    require_2fa?: boolean;
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "updated"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "updated";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listSpaces: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The spaces. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *           "slug": "main",
                     *           "name": "Main site",
                     *           "default_locale": "en",
                     *           "created_at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            slug: string;
                            name: string;
                            default_locale: string;
                            created_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createSpace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Staging",
                 *       "slug": "staging",
                 *       "default_locale": "en"
                 *     }
                 */
                "application/json": {
                    name: string;
                    slug?: string;
                    default_locale?: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *         "slug": "staging",
                     *         "name": "Staging",
                     *         "default_locale": "en",
                     *         "created_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            slug: string;
                            name: string;
                            default_locale: string;
                            created_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The members. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "user_id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
                     *           "email": "ada@example.org",
                     *           "name": "Ada Lovelace",
                     *           "role": "owner",
                     *           "space_id": null,
                     *           "joined_at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            user_id: string;
                            email: string;
                            name: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "publisher" | "author" | "viewer" | "billing";
                            space_id: string | null;
                            joined_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    removeMember: {
        parameters: {
            query?: {
                /** @description Only this space's membership. */
                space_id?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The member's user id (`user_id` in the member list).
                 * @example 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e
                 */
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The member's user id (`user_id` in the member list).
                 * @example 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e
                 */
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "role": "publisher"
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    role: "owner" | "admin" | "publisher" | "author" | "viewer" | "billing";
                    /** Format: uuid */
                    space_id?: string;
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "updated"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "updated";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listInvitations: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The invitations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f",
                     *           "email": "grace@example.org",
                     *           "role": "author",
                     *           "space_id": null,
                     *           "created_at": "2026-01-05T09:30:00.000Z",
                     *           "expires_at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            email: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "publisher" | "author" | "viewer" | "billing";
                            space_id: string | null;
                            created_at?: string;
                            expires_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    inviteMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "grace@example.org",
                 *       "role": "author"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                    /** @enum {string} */
                    role: "owner" | "admin" | "publisher" | "author" | "viewer" | "billing";
                    /** Format: uuid */
                    space_id?: string;
                };
            };
        };
        responses: {
            /** @description Invited. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f",
                     *         "email": "grace@example.org",
                     *         "role": "author",
                     *         "space_id": null,
                     *         "expires_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            email: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "publisher" | "author" | "viewer" | "billing";
                            space_id: string | null;
                            created_at?: string;
                            expires_at: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    revokeInvitation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The invitation.
                 * @example 4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /**
                 * @description At most this many, 1–500 (default 100).
                 * @example 100
                 */
                limit?: number;
                /** @description Only events before this ISO 8601 time. */
                before?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b",
                     *           "action": "page.update",
                     *           "result": "success",
                     *           "actor_user_id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
                     *           "actor_key_id": null,
                     *           "target_type": "page",
                     *           "target_id": "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",
                     *           "ip": "192.0.2.10",
                     *           "user_agent": "Mozilla/5.0",
                     *           "metadata": {},
                     *           "created_at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            action: string;
                            result: string;
                            actor_user_id: string | null;
                            actor_key_id: string | null;
                            target_type: string | null;
                            target_id: string | null;
                            ip: string | null;
                            user_agent: string | null;
                            metadata: unknown;
                            created_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    verifyAuditChain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verdict. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "valid": true,
                     *         "checked": 120,
                     *         "legacy": 0,
                     *         "broken": null
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            valid: boolean;
                            checked: number;
                            legacy: number;
                            broken: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    acceptInvitation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "vR8sT2kLm9Qx4ZbN7cWd1YfH3gJp6aEu",
                 *       "name": "Grace Hopper",
                 *       "password": "a long passphrase here"
                 *     }
                 */
                "application/json": {
                    token: string;
                    name?: string;
                    password?: string;
                };
            };
        };
        responses: {
            /** @description Joined. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "joined",
                     *       "organization_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "user_id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "joined";
                        organization_id: string;
                        user_id: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listSecurityEvents: {
        parameters: {
            query?: {
                /** @description Only this severity. */
                severity?: string;
                /** @description Only this rule. */
                rule?: string;
                /** @description open or resolved. */
                status?: "open" | "resolved";
                /** @description First seen at or after (ISO 8601). */
                since?: string;
                /** @description First seen at or before (ISO 8601). */
                until?: string;
                /**
                 * @description 1–200 (default 50).
                 * @example 50
                 */
                limit?: number;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                     *           "rule": "key_misuse",
                     *           "severity": "high",
                     *           "status": "open",
                     *           "subject": {
                     *             "type": "key",
                     *             "id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
                     *           },
                     *           "actor": {
                     *             "user_id": null,
                     *             "key_id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *             "ip": "192.0.2.10"
                     *           },
                     *           "count": 3,
                     *           "evidence": {},
                     *           "first_seen_at": "2026-01-05T09:30:00.000Z",
                     *           "last_seen_at": "2026-01-05T09:30:00.000Z",
                     *           "resolved_at": null
                     *         }
                     *       ],
                     *       "next_cursor": null
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            rule: string;
                            severity: string;
                            /** @enum {string} */
                            status: "open" | "resolved";
                            subject: unknown;
                            actor: {
                                user_id: string | null;
                                key_id: string | null;
                                ip: string | null;
                            };
                            count: number;
                            evidence: unknown;
                            first_seen_at: string;
                            last_seen_at: string;
                            resolved_at: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listIncidents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The incidents. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "1f2e3d4c-5b6a-4798-8a6b-5c4d3e2f1a0b",
                     *           "title": "Credential stuffing",
                     *           "severity": "high",
                     *           "status": "resolved",
                     *           "summary": "Blocked.",
                     *           "created_at": "2026-01-05T09:30:00.000Z",
                     *           "updated_at": "2026-01-05T09:30:00.000Z",
                     *           "resolved_at": "2026-01-05T09:30:00.000Z",
                     *           "timeline": []
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            title: string;
                            severity: string;
                            status: string;
                            summary: string | null;
                            created_at: string;
                            updated_at: string;
                            resolved_at: string | null;
                            timeline: unknown[];
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getSecuritySettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "thresholds": {},
                     *       "security_contacts": [
                     *         "security@example.org"
                     *       ]
                     *     }
                     */
                    "application/json": {
                        thresholds: {
                            [key: string]: unknown;
                        };
                        security_contacts: string[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateSecuritySettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "security_contacts": [
                 *         "security@example.org"
                 *       ]
                 *     }
                 */
                "application/json": {
                    thresholds?: {
                        [key: string]: unknown;
                    };
                    security_contacts?: string[];
                };
            };
        };
        responses: {
            /** @description Changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "thresholds": {},
                     *       "security_contacts": [
                     *         "security@example.org"
                     *       ]
                     *     }
                     */
                    "application/json": {
                        thresholds: {
                            [key: string]: unknown;
                        };
                        security_contacts: string[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    operatorLogIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ops@ghee.example",
                 *       "password": "a long operator passphrase",
                 *       "otp": "123456"
                 *     }
                 */
                "application/json": {
                    email: string;
                    password: string;
                    otp: string;
                };
            };
        };
        responses: {
            /** @description Signed in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "operator_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
                     *       "expires_at": "2026-01-05T09:30:00.000Z",
                     *       "csrf_token": "k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe"
                     *     }
                     */
                    "application/json": {
                        operator_id: string;
                        expires_at: string;
                        csrf_token: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    operatorLogOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listSupportGrants: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The grants. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
                     *           "scope": "read_only",
                     *           "space_ids": [
                     *             "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d"
                     *           ],
                     *           "reason": "Ticket 4411: broken page",
                     *           "expires_at": "2026-01-05T09:30:00.000Z",
                     *           "status": "active"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createSupportGrant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "scope": "read_only",
                 *       "space_ids": [
                 *         "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d"
                 *       ],
                 *       "reason": "Ticket 4411: broken page",
                 *       "expires_in_hours": 24
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    scope: "read_only" | "read_write";
                    space_ids: string[];
                    reason: string;
                    ticket?: string;
                    expires_in_hours: number;
                    operator_email?: string;
                };
            };
        };
        responses: {
            /** @description Granted. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
                     *       "scope": "read_only",
                     *       "space_ids": [
                     *         "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d"
                     *       ],
                     *       "reason": "Ticket 4411: broken page",
                     *       "expires_at": "2026-01-05T09:30:00.000Z",
                     *       "status": "active"
                     *     }
                     */
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    revokeSupportGrant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The grant.
                 * @example 7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e
                 */
                grantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
                     *       "scope": "read_only",
                     *       "space_ids": [
                     *         "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d"
                     *       ],
                     *       "reason": "Ticket 4411: broken page",
                     *       "expires_at": "2026-01-05T09:30:00.000Z",
                     *       "status": "revoked"
                     *     }
                     */
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listSupportAccess: {
        parameters: {
            query?: {
                /**
                 * @description 1–1000 (default 100).
                 * @example 100
                 */
                limit?: number;
            };
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "method": "GET",
                     *           "path": "/v2/manage/pages/*\/about",
                     *           "at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getIpAllowlist: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The allowlist. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "api_key_cidrs": [
                     *         "203.0.113.0/24"
                     *       ],
                     *       "session_cidrs": [],
                     *       "enforce_reads": false
                     *     }
                     */
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    setIpAllowlist: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "api_key_cidrs": [
                 *         "203.0.113.0/24"
                 *       ],
                 *       "session_cidrs": [],
                 *       "enforce_reads": false
                 *     }
                 */
                "application/json": {
                    api_key_cidrs: string[];
                    session_cidrs: string[];
                    /** @default false */
                    enforce_reads?: boolean;
                };
            };
        };
        responses: {
            /** @description Set. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "api_key_cidrs": [
                     *         "203.0.113.0/24"
                     *       ],
                     *       "session_cidrs": [],
                     *       "enforce_reads": false
                     *     }
                     */
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    breakGlassIpAllowlist: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "Office network changed"
                 *     }
                 */
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Lifted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "api_key_cidrs": [],
                     *       "session_cidrs": [],
                     *       "enforce_reads": false
                     *     }
                     */
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getRetention: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "overrides": {
                     *           "audit_days": 400
                     *         },
                     *         "effective": {
                     *           "audit_days": 400
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateRetention: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "audit_days": 400
                 *     }
                 */
                "application/json": {
                    soft_deleted_days?: number;
                    revisions_keep?: number;
                    revisions_days?: number;
                    webhook_deliveries_days?: number;
                    security_events_days?: number;
                    audit_days?: number;
                };
            };
        };
        responses: {
            /** @description The policy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "overrides": {
                     *           "audit_days": 400
                     *         },
                     *         "effective": {
                     *           "audit_days": 400
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listOrganizationExports: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The exports. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e",
                     *           "status": "pending",
                     *           "created_at": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    requestOrganizationExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued; `key` is shown only now. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e",
                     *         "status": "pending",
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "key": "q3J5…",
                     *         "key_format": "base64url AES-256-GCM key: shown once, needed to decrypt the archive"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getOrganizationExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The export.
                 * @example 4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The export. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e",
                     *         "status": "pending",
                     *         "created_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    requestPersonalExport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued; `key` is shown only now. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e",
                     *         "status": "pending",
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "key": "q3J5…"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getPersonalExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The export.
                 * @example 4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The export. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e",
                     *         "status": "pending",
                     *         "created_at": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    eraseMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "confirm": true
                 *     }
                 */
                "application/json": {
                    /** @constant */
                    confirm: true;
                };
            };
        };
        responses: {
            /** @description Erased. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "erased": true,
                     *         "certificate_id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            /** @constant */
                            erased: true;
                            certificate_id: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    downloadExport: {
        parameters: {
            query?: {
                /** @description The link's expiry (Unix seconds). */
                expires?: string;
                /** @description The link's signature. */
                signature?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The export.
                 * @example 4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archive (AES-256-GCM; decrypt with the key shown at the request). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example <encrypted archive> */
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getOrganizationDeletion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "scheduled_for": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    requestOrganizationDeletion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "otp": "123456"
                 *     }
                 */
                "application/json": {
                    otp?: string;
                };
            };
        };
        responses: {
            /** @description Scheduled. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "scheduled_for": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    cancelOrganizationDeletion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The keys. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "name": "Website",
                     *           "kind": "read",
                     *           "space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *           "prefix": "ghee_read_",
                     *           "last_four": "x9Qa",
                     *           "scopes": [
                     *             "content.read"
                     *           ],
                     *           "created_at": "2026-01-05T09:30:00.000Z",
                     *           "expires_at": null,
                     *           "last_used_at": null,
                     *           "revoked_at": null,
                     *           "rotated_from_id": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "read" | "preview" | "write" | "admin";
                            space_id: string | null;
                            prefix: string;
                            last_four: string;
                            scopes: string[];
                            /** Format: date-time */
                            created_at: string;
                            expires_at: string | null;
                            last_used_at: string | null;
                            revoked_at: string | null;
                            rotated_from_id: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Website",
                 *       "kind": "read",
                 *       "space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d"
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    kind: "read" | "preview" | "write" | "admin";
                    space_id?: string;
                    scopes?: ("content.read" | "content.preview" | "content.write" | "content.publish" | "content.delete" | "assets.write" | "schema.manage" | "webhooks.manage" | "keys.read" | "keys.manage" | "members.read" | "members.manage" | "org.manage" | "org.delete" | "spaces.manage" | "audit.read" | "billing.read" | "billing.manage" | "sso.manage" | "support.manage" | "allowlist.manage" | "allowlist.break_glass")[];
                    /** Format: date-time */
                    expires_at?: string;
                };
            };
        };
        responses: {
            /** @description Created; `token` is shown only now. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *         "name": "Website",
                     *         "kind": "read",
                     *         "space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *         "prefix": "ghee_read_",
                     *         "last_four": "x9Qa",
                     *         "scopes": [
                     *           "content.read"
                     *         ],
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "expires_at": null,
                     *         "last_used_at": null,
                     *         "revoked_at": null,
                     *         "rotated_from_id": null,
                     *         "token": "ghee_read_<random>_<checksum>"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "read" | "preview" | "write" | "admin";
                            space_id: string | null;
                            prefix: string;
                            last_four: string;
                            scopes: string[];
                            /** Format: date-time */
                            created_at: string;
                            expires_at: string | null;
                            last_used_at: string | null;
                            revoked_at: string | null;
                            rotated_from_id: string | null;
                            token: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    rotateApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The key.
                 * @example 6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b
                 */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "grace_seconds": 86400
                 *     }
                 */
                "application/json": {
                    grace_seconds?: number;
                };
            };
        };
        responses: {
            /** @description Rotated. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                     *         "name": "Website",
                     *         "kind": "read",
                     *         "space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *         "prefix": "ghee_read_",
                     *         "last_four": "x9Qa",
                     *         "scopes": [
                     *           "content.read"
                     *         ],
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "expires_at": null,
                     *         "last_used_at": null,
                     *         "revoked_at": null,
                     *         "rotated_from_id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *         "token": "ghee_read_<random>_<checksum>",
                     *         "previous": {
                     *           "id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "name": "Website",
                     *           "kind": "read",
                     *           "space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *           "prefix": "ghee_read_",
                     *           "last_four": "x9Qa",
                     *           "scopes": [
                     *             "content.read"
                     *           ],
                     *           "created_at": "2026-01-05T09:30:00.000Z",
                     *           "expires_at": "2026-01-05T09:30:00.000Z",
                     *           "last_used_at": null,
                     *           "revoked_at": null,
                     *           "rotated_from_id": null
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "read" | "preview" | "write" | "admin";
                            space_id: string | null;
                            prefix: string;
                            last_four: string;
                            scopes: string[];
                            /** Format: date-time */
                            created_at: string;
                            expires_at: string | null;
                            last_used_at: string | null;
                            revoked_at: string | null;
                            rotated_from_id: string | null;
                            token: string;
                            previous: {
                                id: string;
                                name: string;
                                /** @enum {string} */
                                kind: "read" | "preview" | "write" | "admin";
                                space_id: string | null;
                                prefix: string;
                                last_four: string;
                                scopes: string[];
                                /** Format: date-time */
                                created_at: string;
                                expires_at: string | null;
                                last_used_at: string | null;
                                revoked_at: string | null;
                                rotated_from_id: string | null;
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
                /**
                 * @description The key.
                 * @example 6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b
                 */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *         "name": "Website",
                     *         "kind": "read",
                     *         "space_id": "7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d",
                     *         "prefix": "ghee_read_",
                     *         "last_four": "x9Qa",
                     *         "scopes": [
                     *           "content.read"
                     *         ],
                     *         "created_at": "2026-01-05T09:30:00.000Z",
                     *         "expires_at": null,
                     *         "last_used_at": null,
                     *         "revoked_at": "2026-01-05T09:30:00.000Z",
                     *         "rotated_from_id": null
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "read" | "preview" | "write" | "admin";
                            space_id: string | null;
                            prefix: string;
                            last_four: string;
                            scopes: string[];
                            /** Format: date-time */
                            created_at: string;
                            expires_at: string | null;
                            last_used_at: string | null;
                            revoked_at: string | null;
                            rotated_from_id: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getBilling: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The billing state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "billing": "stripe",
                     *         "plan": "team",
                     *         "subscribed_plan": "team",
                     *         "status": "active",
                     *         "current_period_end": "2026-02-05T00:00:00.000Z",
                     *         "grace_ends_at": null,
                     *         "read_only": false,
                     *         "usage": {
                     *           "pages": {
                     *             "used": 120,
                     *             "limit": 1000
                     *           }
                     *         },
                     *         "entitlements": []
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            billing: "stripe" | "off";
                            plan: string | null;
                            subscribed_plan: string | null;
                            status: string;
                            current_period_end: string | null;
                            grace_ends_at: string | null;
                            read_only: boolean | null;
                            usage: {
                                [key: string]: {
                                    used: number;
                                    limit: number | null;
                                };
                            };
                            entitlements: string[];
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    startCheckout: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Retries with the same key get the same Stripe session.
                 * @example checkout-2026-01-05-1
                 */
                "Idempotency-Key"?: string;
            };
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "plan": "team"
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    plan: "team" | "business" | "enterprise";
                };
            };
        };
        responses: {
            /** @description The session to redirect to. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "cs_test_a1b2c3",
                     *         "url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    openBillingPortal: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Retries with the same key get the same Stripe session.
                 * @example checkout-2026-01-05-1
                 */
                "Idempotency-Key"?: string;
            };
            path: {
                /**
                 * @description The organization.
                 * @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
                 */
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session to redirect to. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "url": "https://billing.stripe.com/p/session/test_a1b2c3"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            url: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    receiveStripeEvent: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description Stripe's signature of the raw body.
                 * @example t=1767605400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
                 */
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "id": "evt_1",
                 *       "type": "customer.subscription.updated",
                 *       "data": {
                 *         "object": {}
                 *       }
                 *     }
                 */
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Received. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "received": true,
                     *       "handled": true,
                     *       "duplicate": false
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        received: true;
                        handled: boolean;
                        duplicate: boolean;
                    };
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            502: components["responses"]["Error502"];
            503: components["responses"]["Error503"];
        };
    };
    uploadAsset: {
        parameters: {
            query?: {
                /**
                 * @description Letters, digits, - or _ with an optional extension.
                 * @example hero.png
                 */
                filename?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example <the file's bytes> */
                "image/png": string;
                /** @example <the file's bytes> */
                "image/jpeg": string;
                /** @example <the file's bytes> */
                "image/gif": string;
                /** @example <the file's bytes> */
                "image/webp": string;
                /** @example <the file's bytes> */
                "image/avif": string;
                /** @example <the file's bytes> */
                "application/pdf": string;
                /** @example <the file's bytes> */
                "video/mp4": string;
                /** @example <the file's bytes> */
                "video/webm": string;
                /** @example <the file's bytes> */
                "audio/mpeg": string;
                /** @example <the file's bytes> */
                "audio/ogg": string;
                /** @example <the file's bytes> */
                "text/plain": string;
            };
        };
        responses: {
            /** @description Stored. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
                     *         "url": "/assets/7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d/2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b/hero.png",
                     *         "filename": "hero.png",
                     *         "content_type": "image/png",
                     *         "size": 48213,
                     *         "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                     *         "created": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string;
                            filename: string;
                            content_type: string;
                            size: number;
                            sha256: string;
                            created: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listAssets: {
        parameters: {
            query?: {
                /**
                 * @description How many (1–200, default 50).
                 * @example 50
                 */
                limit?: number;
                /**
                 * @description Only assets created before this time (the last one of the previous page).
                 * @example 2026-01-05T09:30:00.000Z
                 */
                before?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The assets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
                     *           "url": "/assets/7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d/2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b/hero.png",
                     *           "filename": "hero.png",
                     *           "content_type": "image/png",
                     *           "size": 48213,
                     *           "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                     *           "created": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string;
                            filename: string;
                            content_type: string;
                            size: number;
                            sha256: string;
                            /** Format: date-time */
                            created: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    deleteAsset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The asset.
                 * @example 2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b
                 */
                assetId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listMediaImports: {
        parameters: {
            query?: {
                /** @description Only imports in this state. */
                status?: "pending" | "retrying" | "done" | "failed";
                /** @description Only imports of this URL. */
                url?: string;
                /**
                 * @description Page number (with page_size; not with limit/offset).
                 * @example 1
                 */
                page?: number;
                /**
                 * @description Results per page, 1–100 (default 20).
                 * @example 20
                 */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The imports. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "meta": {
                     *         "count": 1,
                     *         "next_page": null,
                     *         "previous_page": null
                     *       },
                     *       "data": [
                     *         {
                     *           "id": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
                     *           "url": "https://cdn.example.org/hero.jpg",
                     *           "status": "pending",
                     *           "attempts": 0,
                     *           "last_error": null,
                     *           "next_attempt": "2026-01-05T09:30:00.000Z",
                     *           "asset": null,
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "updated": "2026-01-05T09:30:00.000Z",
                     *           "completed": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        meta: {
                            count: number;
                            next_page?: number | null;
                            previous_page?: number | null;
                            next_offset?: number | null;
                            previous_offset?: number | null;
                        };
                        data: {
                            id: string;
                            url: string;
                            /** @enum {string} */
                            status: "pending" | "retrying" | "done" | "failed";
                            attempts: number;
                            last_error: string | null;
                            next_attempt: string | null;
                            asset: {
                                id: string;
                                url: string;
                            } | null;
                            created: string;
                            updated: string;
                            completed: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    queueMediaImports: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "urls": [
                 *         "https://cdn.example.org/hero.jpg"
                 *       ]
                 *     }
                 */
                "application/json": {
                    urls: string[];
                };
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
                     *           "url": "https://cdn.example.org/hero.jpg",
                     *           "status": "pending",
                     *           "attempts": 0,
                     *           "last_error": null,
                     *           "next_attempt": "2026-01-05T09:30:00.000Z",
                     *           "asset": null,
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "updated": "2026-01-05T09:30:00.000Z",
                     *           "completed": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string;
                            /** @enum {string} */
                            status: "pending" | "retrying" | "done" | "failed";
                            attempts: number;
                            last_error: string | null;
                            next_attempt: string | null;
                            asset: {
                                id: string;
                                url: string;
                            } | null;
                            created: string;
                            updated: string;
                            completed: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    retryMediaImport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The media import.
                 * @example 5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued again. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
                     *         "url": "https://cdn.example.org/hero.jpg",
                     *         "status": "pending",
                     *         "attempts": 0,
                     *         "last_error": null,
                     *         "next_attempt": "2026-01-05T09:30:00.000Z",
                     *         "asset": null,
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z",
                     *         "completed": null
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string;
                            /** @enum {string} */
                            status: "pending" | "retrying" | "done" | "failed";
                            attempts: number;
                            last_error: string | null;
                            next_attempt: string | null;
                            asset: {
                                id: string;
                                url: string;
                            } | null;
                            created: string;
                            updated: string;
                            completed: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getAsset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space.
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The asset.
                 * @example 2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b
                 */
                assetId: string;
                /**
                 * @description Its file name.
                 * @example hero.png
                 */
                filename: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bytes. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    "Surrogate-Key": components["headers"]["SurrogateKey"];
                    "Surrogate-Control": components["headers"]["SurrogateControl"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example <the file's bytes> */
                    "*/*": string;
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createPage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "About",
                 *       "slug": "about",
                 *       "page_type": "*",
                 *       "status": "draft",
                 *       "fields": {
                 *         "headline": "About us"
                 *       }
                 *     }
                 */
                "application/json": {
                    title: string;
                    slug: string;
                    page_type?: string;
                    "page-type"?: string;
                    /**
                     * @default draft
                     * @enum {string}
                     */
                    status?: "draft" | "published";
                    fields: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Created and committed. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    replacePage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "About us",
                 *       "status": "published",
                 *       "fields": {
                 *         "headline": "About us"
                 *       }
                 *     }
                 */
                "application/json": {
                    title?: string;
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    fields?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Updated and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    deletePage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            412: components["responses"]["Error412"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updatePage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "About us",
                 *       "status": "published",
                 *       "fields": {
                 *         "headline": "About us"
                 *       }
                 *     }
                 */
                "application/json": {
                    title?: string;
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    fields?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Updated and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getManagedPage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The working copy. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "slug": "about",
                     *         "name": "About",
                     *         "page_type": null,
                     *         "locale": "en",
                     *         "status": "published",
                     *         "scheduled": null,
                     *         "version": 3,
                     *         "fields": {
                     *           "headline": "About us"
                     *         },
                     *         "published": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            slug: string;
                            name: string;
                            page_type: string | null;
                            locale: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "scheduled";
                            scheduled: string | null;
                            version: number;
                            fields: {
                                [key: string]: unknown;
                            };
                            published: string | null;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listPageRevisions: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revisions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "version": 2,
                     *           "name": "About",
                     *           "status": "published",
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "created_by_key": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "created_by_user": null
                     *         },
                     *         {
                     *           "version": 1,
                     *           "name": "About",
                     *           "status": "draft",
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "created_by_key": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "created_by_user": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            version: number;
                            status: string;
                            /** Format: date-time */
                            created: string;
                            /** @description The API key that saved it (null for a member or the scheduler). */
                            created_by_key: string | null;
                            /** @description The member who saved it (null for a key or the scheduler). */
                            created_by_user: string | null;
                            name: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    rollbackPage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "version": 2,
                 *       "status": "draft"
                 *     }
                 */
                "application/json": {
                    version: number;
                    /** @enum {string} */
                    status?: "draft" | "published";
                };
            };
        };
        responses: {
            /** @description Rolled back and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    unpublishPage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unpublished and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    restorePage: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Restored and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listManagedPages: {
        parameters: {
            query?: {
                /** @description Only this page type (`*`: single pages). */
                page_type?: string;
                /** @description Only pages in this state. */
                status?: "draft" | "published" | "scheduled" | "deleted";
                /**
                 * @description Only this locale (default: all locales).
                 * @example en
                 */
                locale?: string;
                /** @description Only pages last saved by this member. */
                author?: string;
                /** @description Text in the title or slug, 1–200 characters. */
                query?: string;
                /**
                 * @description Page number (with page_size; not with limit/offset).
                 * @example 1
                 */
                page?: number;
                /**
                 * @description Results per page, 1–100 (default 10).
                 * @example 10
                 */
                page_size?: number;
            };
            header?: never;
            path: {
                /** @description The space. */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pages and paging metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "meta": {
                     *         "count": 1,
                     *         "next_page": null,
                     *         "previous_page": null
                     *       },
                     *       "data": [
                     *         {
                     *           "slug": "about",
                     *           "name": "About",
                     *           "page_type": null,
                     *           "locale": "en",
                     *           "status": "draft",
                     *           "version": 2,
                     *           "updated": "2026-01-05T09:30:00.000Z",
                     *           "published": null,
                     *           "scheduled": null,
                     *           "last_saved_by_user": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "last_saved_by_key": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        meta: {
                            count: number;
                            next_page: number | null;
                            previous_page: number | null;
                        };
                        data: {
                            slug: string;
                            name: string;
                            page_type: string | null;
                            locale: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "scheduled" | "deleted";
                            version: number;
                            /** Format: date-time */
                            updated: string;
                            published: string | null;
                            scheduled: string | null;
                            last_saved_by_user: string | null;
                            last_saved_by_key: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getPageRevision: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description A page type slug, or `*` for single pages.
                 * @example *
                 */
                pageType: string;
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
                /**
                 * @description The revision's version.
                 * @example 1
                 */
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revision. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "version": 1,
                     *         "name": "About",
                     *         "status": "draft",
                     *         "fields": {
                     *           "headline": "About us"
                     *         },
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "created_by_key": null,
                     *         "created_by_user": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            version: number;
                            name: string;
                            status: string;
                            fields: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            created: string;
                            /** @description The API key that saved it (null for a member or the scheduler). */
                            created_by_key: string | null;
                            /** @description The member who saved it (null for a key or the scheduler). */
                            created_by_user: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhooks. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f",
                     *           "url": "https://hooks.example.org/ghee",
                     *           "events": [
                     *             "page.published"
                     *           ],
                     *           "active": true,
                     *           "created": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string;
                            events: string[];
                            active: boolean;
                            /** Format: date-time */
                            created: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://hooks.example.org/ghee",
                 *       "events": [
                 *         "page.published"
                 *       ]
                 *     }
                 */
                "application/json": {
                    url: string;
                    events: string[];
                };
            };
        };
        responses: {
            /** @description Created; `secret` is shown only now. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f",
                     *         "url": "https://hooks.example.org/ghee",
                     *         "events": [
                     *           "page.published"
                     *         ],
                     *         "secret": "whsec_…"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            url: string;
                            events: string[];
                            secret: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The webhook.
                 * @example 3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deliveries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "0b6f2c1d-8e4a-4c3b-9a7d-5e6f7a8b9c0d",
                     *           "webhookId": "3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f",
                     *           "event": "page.published",
                     *           "status": "delivered",
                     *           "attempts": 1,
                     *           "nextAttemptAt": "2026-01-05T09:30:00.000Z",
                     *           "lastStatusCode": 200,
                     *           "lastError": null,
                     *           "createdAt": "2026-01-05T09:30:00.000Z",
                     *           "deliveredAt": "2026-01-05T09:30:00.000Z",
                     *           "payload": {
                     *             "event": "page.published"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            webhookId: string;
                            event: string;
                            status: string;
                            attempts: number;
                            /** Format: date-time */
                            nextAttemptAt: string;
                            lastStatusCode: number | null;
                            lastError: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            deliveredAt: string | null;
                            payload: unknown;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The webhook.
                 * @example 3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f
                 */
                id: string;
                /**
                 * @description The delivery (from the delivery log).
                 * @example 0b6f2c1d-8e4a-4c3b-9a7d-5e6f7a8b9c0d
                 */
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued again. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "0b6f2c1d-8e4a-4c3b-9a7d-5e6f7a8b9c0d",
                     *         "webhookId": "3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f",
                     *         "event": "page.published",
                     *         "status": "pending",
                     *         "attempts": 0,
                     *         "nextAttemptAt": "2026-01-05T09:30:00.000Z",
                     *         "lastStatusCode": 500,
                     *         "lastError": "answered HTTP 500",
                     *         "createdAt": "2026-01-05T09:30:00.000Z",
                     *         "deliveredAt": null,
                     *         "payload": {
                     *           "event": "page.published"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            id: string;
                            webhookId: string;
                            event: string;
                            status: string;
                            attempts: number;
                            /** Format: date-time */
                            nextAttemptAt: string;
                            lastStatusCode: number | null;
                            lastError: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            deliveredAt: string | null;
                            payload: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The webhook.
                 * @example 3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listPageTypes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page types. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "slug": "landing",
                     *           "name": "Landing page",
                     *           "fields": [
                     *             {
                     *               "name": "headline",
                     *               "type": "short_text"
                     *             }
                     *           ],
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "updated": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            slug: string;
                            name: string;
                            /** @description Typed fields: short_text, long_text, rich_text, number, date, boolean, media, reference, repeater, component, … (origin/content/model/schema.ts). */
                            fields: {
                                name: string;
                                type: string;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createPageType: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "slug": "landing",
                 *       "name": "Landing page",
                 *       "fields": [
                 *         {
                 *           "name": "headline",
                 *           "type": "short_text"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    slug: string;
                    name: string;
                    fields: unknown;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "slug": "landing",
                     *         "name": "Landing page",
                     *         "fields": [
                     *           {
                     *             "name": "headline",
                     *             "type": "short_text"
                     *           }
                     *         ],
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            slug: string;
                            name: string;
                            /** @description Typed fields: short_text, long_text, rich_text, number, date, boolean, media, reference, repeater, component, … (origin/content/model/schema.ts). */
                            fields: {
                                name: string;
                                type: string;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getPageType: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The page type's slug.
                 * @example landing
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page type. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "slug": "landing",
                     *         "name": "Landing page",
                     *         "fields": [
                     *           {
                     *             "name": "headline",
                     *             "type": "short_text"
                     *           }
                     *         ],
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            slug: string;
                            name: string;
                            /** @description Typed fields: short_text, long_text, rich_text, number, date, boolean, media, reference, repeater, component, … (origin/content/model/schema.ts). */
                            fields: {
                                name: string;
                                type: string;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updatePageType: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The page type's slug.
                 * @example landing
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Landing"
                 *     }
                 */
                "application/json": {
                    name?: string;
                    fields?: unknown;
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "slug": "landing",
                     *         "name": "Landing page",
                     *         "fields": [
                     *           {
                     *             "name": "headline",
                     *             "type": "short_text"
                     *           }
                     *         ],
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            slug: string;
                            name: string;
                            /** @description Typed fields: short_text, long_text, rich_text, number, date, boolean, media, reference, repeater, component, … (origin/content/model/schema.ts). */
                            fields: {
                                name: string;
                                type: string;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listLocales: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The locales. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "code": "en",
                     *           "name": "English",
                     *           "default": true,
                     *           "enabled": true
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            code: string;
                            name: string;
                            default: boolean;
                            enabled: boolean;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createLocale: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "fr",
                 *       "name": "Français"
                 *     }
                 */
                "application/json": {
                    code: string;
                    name?: string;
                    default?: boolean;
                };
            };
        };
        responses: {
            /** @description Added. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "code": "fr",
                     *         "name": "Français",
                     *         "default": false,
                     *         "enabled": true
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            code: string;
                            name: string;
                            default: boolean;
                            enabled: boolean;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listCollections: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collections. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "key": "artists",
                     *           "name": "Artists",
                     *           "fields": [
                     *             {
                     *               "name": "name",
                     *               "type": "short_text"
                     *             }
                     *           ],
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "updated": "2026-01-05T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            key: string;
                            name: string;
                            fields: {
                                name: string;
                                /** @enum {string} */
                                type: "short_text" | "long_text" | "wysiwyg" | "html" | "media" | "date" | "dropdown" | "number" | "checkbox" | "reference" | "json";
                                collection?: string;
                                many?: boolean;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "key": "artists",
                 *       "name": "Artists",
                 *       "fields": [
                 *         {
                 *           "name": "name",
                 *           "type": "short_text"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    key: string;
                    name: string;
                    fields: {
                        name: string;
                        /** @enum {string} */
                        type: "short_text" | "long_text" | "wysiwyg" | "html" | "media" | "date" | "dropdown" | "number" | "checkbox" | "reference" | "json";
                        collection?: string;
                        many?: boolean;
                    }[];
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "key": "artists",
                     *         "name": "Artists",
                     *         "fields": [
                     *           {
                     *             "name": "name",
                     *             "type": "short_text"
                     *           }
                     *         ],
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            key: string;
                            name: string;
                            fields: {
                                name: string;
                                /** @enum {string} */
                                type: "short_text" | "long_text" | "wysiwyg" | "html" | "media" | "date" | "dropdown" | "number" | "checkbox" | "reference" | "json";
                                collection?: string;
                                many?: boolean;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "key": "artists",
                     *         "name": "Artists",
                     *         "fields": [
                     *           {
                     *             "name": "name",
                     *             "type": "short_text"
                     *           }
                     *         ],
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            key: string;
                            name: string;
                            fields: {
                                name: string;
                                /** @enum {string} */
                                type: "short_text" | "long_text" | "wysiwyg" | "html" | "media" | "date" | "dropdown" | "number" | "checkbox" | "reference" | "json";
                                collection?: string;
                                many?: boolean;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Musicians"
                 *     }
                 */
                "application/json": {
                    name?: string;
                    fields?: {
                        name: string;
                        /** @enum {string} */
                        type: "short_text" | "long_text" | "wysiwyg" | "html" | "media" | "date" | "dropdown" | "number" | "checkbox" | "reference" | "json";
                        collection?: string;
                        many?: boolean;
                    }[];
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "key": "artists",
                     *         "name": "Artists",
                     *         "fields": [
                     *           {
                     *             "name": "name",
                     *             "type": "short_text"
                     *           }
                     *         ],
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            key: string;
                            name: string;
                            fields: {
                                name: string;
                                /** @enum {string} */
                                type: "short_text" | "long_text" | "wysiwyg" | "html" | "media" | "date" | "dropdown" | "number" | "checkbox" | "reference" | "json";
                                collection?: string;
                                many?: boolean;
                            }[];
                            /** Format: date-time */
                            created: string;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getManagedCollectionItem: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The working copy. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "meta": {
                     *           "id": 12
                     *         },
                     *         "key": "artists",
                     *         "locale": "en",
                     *         "status": "published",
                     *         "scheduled": null,
                     *         "version": 2,
                     *         "fields": {
                     *           "name": "Nina Simone"
                     *         },
                     *         "published": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            meta: {
                                id: number;
                            };
                            key: string;
                            locale: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "scheduled";
                            scheduled: string | null;
                            version: number;
                            fields: {
                                [key: string]: unknown;
                            };
                            published: string | null;
                            /** Format: date-time */
                            updated: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listCollectionItemRevisions: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revisions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "version": 2,
                     *           "label": "Nina Simone",
                     *           "status": "published",
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "created_by_key": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "created_by_user": null
                     *         },
                     *         {
                     *           "version": 1,
                     *           "label": "Nina Simone",
                     *           "status": "draft",
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "created_by_key": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "created_by_user": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            version: number;
                            status: string;
                            /** Format: date-time */
                            created: string;
                            /** @description The API key that saved it (null for a member or the scheduler). */
                            created_by_key: string | null;
                            /** @description The member who saved it (null for a key or the scheduler). */
                            created_by_user: string | null;
                            label: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    rollbackCollectionItem: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "version": 1
                 *     }
                 */
                "application/json": {
                    version: number;
                    /** @enum {string} */
                    status?: "draft" | "published";
                };
            };
        };
        responses: {
            /** @description Rolled back and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listManagedItems: {
        parameters: {
            query?: {
                /** @description Only items in this state. */
                status?: "draft" | "published" | "scheduled" | "deleted";
                /**
                 * @description Only this locale (default: all locales).
                 * @example en
                 */
                locale?: string;
                /** @description Only items last saved by this member. */
                author?: string;
                /** @description Text in any of the item's text values, 1–200 characters. */
                query?: string;
                /**
                 * @description Page number, 1–10000000 (default 1).
                 * @example 1
                 */
                page?: number;
                /**
                 * @description Results per page, 1–100 (default 20).
                 * @example 20
                 */
                page_size?: number;
            };
            header?: never;
            path: {
                /** @description The space. */
                spaceId: string;
                /**
                 * @description The collection key.
                 * @example faq
                 */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The items and paging metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "meta": {
                     *         "count": 1,
                     *         "next_page": null,
                     *         "previous_page": null
                     *       },
                     *       "data": [
                     *         {
                     *           "meta": {
                     *             "id": 1
                     *           },
                     *           "label": "How do I sign in?",
                     *           "locale": "en",
                     *           "status": "draft",
                     *           "version": 2,
                     *           "updated": "2026-01-05T09:30:00.000Z",
                     *           "published": null,
                     *           "scheduled": null,
                     *           "last_saved_by_user": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "last_saved_by_key": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        meta: {
                            count: number;
                            next_page: number | null;
                            previous_page: number | null;
                        };
                        data: {
                            meta: {
                                id: number;
                            };
                            /** @description The item's label: its first non-empty text field, as its last save recorded it. */
                            label: string;
                            locale: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "scheduled" | "deleted";
                            version: number;
                            /** Format: date-time */
                            updated: string;
                            published: string | null;
                            scheduled: string | null;
                            last_saved_by_user: string | null;
                            last_saved_by_key: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getItemRevision: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The collection key.
                 * @example faq
                 */
                key: string;
                /**
                 * @description The item id (`meta.id`).
                 * @example 1
                 */
                id: number;
                /**
                 * @description The revision's version.
                 * @example 1
                 */
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revision. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "version": 1,
                     *         "label": "How do I sign in?",
                     *         "status": "draft",
                     *         "fields": {
                     *           "question": "How do I sign in?"
                     *         },
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "created_by_key": null,
                     *         "created_by_user": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            version: number;
                            label: string;
                            status: string;
                            fields: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            created: string;
                            /** @description The API key that saved it (null for a member or the scheduler). */
                            created_by_key: string | null;
                            /** @description The member who saved it (null for a key or the scheduler). */
                            created_by_user: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    restoreCollectionItem: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Restored and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createCollectionItems: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "key": "artists",
                 *       "status": "published",
                 *       "fields": [
                 *         {
                 *           "name": "Nina Simone",
                 *           "genre": "jazz"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    key: string;
                    /**
                     * @default draft
                     * @enum {string}
                     */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    fields: {
                        [key: string]: unknown;
                    }[];
                };
            };
        };
        responses: {
            /** @description Created and committed. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    replaceCollectionItem: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "status": "published",
                 *       "fields": {
                 *         "genre": "soul"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    fields?: {
                        [key: string]: unknown;
                    } | {
                        [key: string]: unknown;
                    }[];
                };
            };
        };
        responses: {
            /** @description Updated and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCollectionItem: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            412: components["responses"]["Error412"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updateCollectionItem: {
        parameters: {
            query?: {
                /**
                 * @description A locale of the space (default: its default locale).
                 * @example en
                 */
                locale?: string;
            };
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The collection key.
                 * @example artists
                 */
                key: string;
                /**
                 * @description The item id (the same in every locale).
                 * @example 12
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "status": "published",
                 *       "fields": {
                 *         "genre": "soul"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    fields?: {
                        [key: string]: unknown;
                    } | {
                        [key: string]: unknown;
                    }[];
                };
            };
        };
        responses: {
            /** @description Updated and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createPost: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "Hello world",
                 *       "slug": "hello-world",
                 *       "status": "published",
                 *       "author": {
                 *         "slug": "ada"
                 *       },
                 *       "categories": [
                 *         "News"
                 *       ],
                 *       "tags": [
                 *         "Launch"
                 *       ],
                 *       "body": "<p>Hello.</p>"
                 *     }
                 */
                "application/json": {
                    title?: string;
                    slug?: string;
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    author?: {
                        email?: string;
                        slug?: string;
                    };
                    categories?: string[];
                    tags?: string[];
                    featured_image?: string;
                    featured_image_alt?: string;
                    body?: string;
                    summary?: string;
                    seo_title?: string;
                    meta_description?: string;
                    upload_images_to_media_library?: boolean;
                };
            };
        };
        responses: {
            /** @description Created and committed. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    replacePost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "Hello again",
                 *       "status": "published"
                 *     }
                 */
                "application/json": {
                    title?: string;
                    slug?: string;
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    author?: {
                        email?: string;
                        slug?: string;
                    };
                    categories?: string[];
                    tags?: string[];
                    featured_image?: string;
                    featured_image_alt?: string;
                    body?: string;
                    summary?: string;
                    seo_title?: string;
                    meta_description?: string;
                    upload_images_to_media_library?: boolean;
                };
            };
        };
        responses: {
            /** @description Updated and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    deletePost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            412: components["responses"]["Error412"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    updatePost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "Hello again",
                 *       "status": "published"
                 *     }
                 */
                "application/json": {
                    title?: string;
                    slug?: string;
                    /** @enum {string} */
                    status?: "draft" | "published" | "scheduled";
                    /** Format: date-time */
                    scheduled?: string;
                    author?: {
                        email?: string;
                        slug?: string;
                    };
                    categories?: string[];
                    tags?: string[];
                    featured_image?: string;
                    featured_image_alt?: string;
                    body?: string;
                    summary?: string;
                    seo_title?: string;
                    meta_description?: string;
                    upload_images_to_media_library?: boolean;
                };
            };
        };
        responses: {
            /** @description Updated and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getManagedPost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The working copy. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "url": "/blog/hello-world",
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "published": "2026-01-05T09:30:00.000Z",
                     *         "updated": "2026-01-05T09:30:00.000Z",
                     *         "status": "published",
                     *         "title": "Hello world",
                     *         "slug": "hello-world",
                     *         "summary": "<p>First post.</p>",
                     *         "body": "<p>Hello.</p>",
                     *         "seo_title": "Hello world",
                     *         "meta_description": "First post.",
                     *         "featured_image": null,
                     *         "featured_image_alt": "",
                     *         "author": {
                     *           "first_name": "Ada",
                     *           "last_name": "Lovelace",
                     *           "email": "ada@example.org",
                     *           "slug": "ada",
                     *           "bio": "",
                     *           "title": "Editor",
                     *           "linkedin_url": "",
                     *           "facebook_url": "",
                     *           "instagram_url": "",
                     *           "pinterest_url": "",
                     *           "twitter_handle": "",
                     *           "profile_image": ""
                     *         },
                     *         "categories": [
                     *           {
                     *             "name": "News",
                     *             "slug": "news"
                     *           }
                     *         ],
                     *         "tags": [
                     *           {
                     *             "name": "Launch",
                     *             "slug": "launch"
                     *           }
                     *         ],
                     *         "scheduled": null,
                     *         "version": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            url: string;
                            /** Format: date-time */
                            created: string;
                            published: string | null;
                            /** Format: date-time */
                            updated: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "scheduled";
                            title: string;
                            slug: string;
                            summary: string;
                            /** @description Left out with exclude_body=true. */
                            body?: string;
                            seo_title: string;
                            meta_description: string;
                            featured_image: string | null;
                            featured_image_alt: string;
                            author: {
                                first_name: string;
                                last_name: string;
                                email: string;
                                slug: string;
                                bio: string;
                                title: string;
                                linkedin_url: string;
                                facebook_url: string;
                                instagram_url: string;
                                pinterest_url: string;
                                twitter_handle: string;
                                profile_image: string;
                            } | null;
                            categories: {
                                name: string;
                                slug: string;
                            }[];
                            tags: {
                                name: string;
                                slug: string;
                            }[];
                            scheduled: string | null;
                            version: number;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listPostRevisions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revisions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "version": 2,
                     *           "title": "Hello world",
                     *           "status": "published",
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "created_by_key": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "created_by_user": null
                     *         },
                     *         {
                     *           "version": 1,
                     *           "title": "Hello world",
                     *           "status": "draft",
                     *           "created": "2026-01-05T09:30:00.000Z",
                     *           "created_by_key": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "created_by_user": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        data: {
                            version: number;
                            status: string;
                            /** Format: date-time */
                            created: string;
                            /** @description The API key that saved it (null for a member or the scheduler). */
                            created_by_key: string | null;
                            /** @description The member who saved it (null for a key or the scheduler). */
                            created_by_user: string | null;
                            title: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    rollbackPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "version": 1,
                 *       "status": "published"
                 *     }
                 */
                "application/json": {
                    version: number;
                    /** @enum {string} */
                    status?: "draft" | "published";
                };
            };
        };
        responses: {
            /** @description Rolled back and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    listManagedPosts: {
        parameters: {
            query?: {
                /** @description Only posts in this state. */
                status?: "draft" | "published" | "scheduled" | "deleted";
                /** @description Only posts last saved by this member. */
                author?: string;
                /** @description Only posts by this blog author. */
                author_slug?: string;
                /** @description Only posts in this category. */
                category_slug?: string;
                /** @description Only posts with this tag. */
                tag_slug?: string;
                /** @description Text in the title or slug, 1–200 characters. */
                query?: string;
                /**
                 * @description Page number, 1–10000000 (default 1).
                 * @example 1
                 */
                page?: number;
                /**
                 * @description Results per page, 1–100 (default 20).
                 * @example 20
                 */
                page_size?: number;
            };
            header?: never;
            path: {
                /** @description The space. */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The posts and paging metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "meta": {
                     *         "count": 1,
                     *         "next_page": null,
                     *         "previous_page": null
                     *       },
                     *       "data": [
                     *         {
                     *           "slug": "hello-world",
                     *           "title": "Hello world",
                     *           "status": "draft",
                     *           "version": 2,
                     *           "author_slug": "jane-doe",
                     *           "updated": "2026-01-05T09:30:00.000Z",
                     *           "published": null,
                     *           "scheduled": null,
                     *           "last_saved_by_user": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
                     *           "last_saved_by_key": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        meta: {
                            count: number;
                            next_page: number | null;
                            previous_page: number | null;
                        };
                        data: {
                            slug: string;
                            title: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "scheduled" | "deleted";
                            version: number;
                            /** @description The blog author (GET /v2/authors/{slug}); null when none. */
                            author_slug: string | null;
                            /** Format: date-time */
                            updated: string;
                            published: string | null;
                            scheduled: string | null;
                            last_saved_by_user: string | null;
                            last_saved_by_key: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    getPostRevision: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The slug.
                 * @example hello-world
                 */
                slug: string;
                /**
                 * @description The revision's version.
                 * @example 1
                 */
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revision. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "version": 1,
                     *         "title": "Hello world",
                     *         "status": "draft",
                     *         "fields": {
                     *           "body": "<p>Hi</p>",
                     *           "summary": ""
                     *         },
                     *         "created": "2026-01-05T09:30:00.000Z",
                     *         "created_by_key": null,
                     *         "created_by_user": "6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            version: number;
                            title: string;
                            status: string;
                            fields: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            created: string;
                            /** @description The API key that saved it (null for a member or the scheduler). */
                            created_by_key: string | null;
                            /** @description The member who saved it (null for a key or the scheduler). */
                            created_by_user: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    unpublishPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.
                 * @example "v3"
                 */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unpublished and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            412: components["responses"]["Error412"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    restorePost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The slug.
                 * @example about
                 */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Restored and committed. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        status: "pending";
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
    createAuthor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The space (of the caller's organization; any other answers 404).
                 * @example 7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d
                 */
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "slug": "ada",
                 *       "first_name": "Ada",
                 *       "last_name": "Lovelace",
                 *       "email": "ada@example.org",
                 *       "title": "Editor"
                 *     }
                 */
                "application/json": {
                    slug: string;
                    first_name?: string;
                    last_name?: string;
                    email?: "" | string;
                    bio?: string;
                    title?: string;
                    linkedin_url?: string;
                    facebook_url?: string;
                    instagram_url?: string;
                    pinterest_url?: string;
                    twitter_handle?: string;
                    profile_image?: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "first_name": "Ada",
                     *         "last_name": "Lovelace",
                     *         "email": "ada@example.org",
                     *         "slug": "ada",
                     *         "bio": "",
                     *         "title": "Editor",
                     *         "linkedin_url": "",
                     *         "facebook_url": "",
                     *         "instagram_url": "",
                     *         "pinterest_url": "",
                     *         "twitter_handle": "",
                     *         "profile_image": ""
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: {
                            first_name: string;
                            last_name: string;
                            email: string;
                            slug: string;
                            bio: string;
                            title: string;
                            linkedin_url: string;
                            facebook_url: string;
                            instagram_url: string;
                            pinterest_url: string;
                            twitter_handle: string;
                            profile_image: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            402: components["responses"]["Error402"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
            503: components["responses"]["Error503"];
        };
    };
}
