/**
 * Users' personal data at rest (issue 16): the one place that turns an email and a name into the
 * stored columns of `users` (envelope tokens bound to the row id, the email's blind index) and
 * back. Every read path that shows an email or a name opens it here.
 */
import { randomUUID } from 'node:crypto';
import { inArray, type SQL } from 'drizzle-orm';
import { personalAad, type PersonalData } from '../crypto/personal-data.js';
import { invitations, users } from '../db/schema/index.js';

export interface SealedUser {
  id: string;
  emailEnc: string;
  emailBidx: string;
  nameEnc: string;
}

/** The stored columns of a user with `email` and `name` (a new id unless given). */
export function sealUser(pd: PersonalData, input: { id?: string; email: string; name: string }): SealedUser {
  const id = input.id ?? randomUUID();
  return {
    id,
    emailEnc: pd.seal(input.email, personalAad('users', 'email', id)),
    emailBidx: pd.blindIndex('email', input.email),
    nameEnc: pd.seal(input.name, personalAad('users', 'name', id)),
  };
}

/** The stored columns for a changed email. */
export function sealUserEmail(pd: PersonalData, id: string, email: string): { emailEnc: string; emailBidx: string } {
  return { emailEnc: pd.seal(email, personalAad('users', 'email', id)), emailBidx: pd.blindIndex('email', email) };
}

/** The stored column for a changed name. */
export function sealUserName(pd: PersonalData, id: string, name: string): { nameEnc: string } {
  return { nameEnc: pd.seal(name, personalAad('users', 'name', id)) };
}

export function openUserEmail(pd: PersonalData, row: { id: string; emailEnc: string }): string {
  return pd.open(row.emailEnc, personalAad('users', 'email', row.id));
}

export function openUserName(pd: PersonalData, row: { id: string; nameEnc: string }): string {
  return pd.open(row.nameEnc, personalAad('users', 'name', row.id));
}

/** `users` rows whose email is `email` (case-insensitive), through the blind index under every key version. */
export function userEmailIs(pd: PersonalData, email: string): SQL {
  return inArray(users.emailBidx, pd.blindIndexes('email', email));
}

/** The stored columns of an invitation's address. */
export function sealInvitationEmail(pd: PersonalData, id: string, email: string): { emailEnc: string; emailBidx: string } {
  return { emailEnc: pd.seal(email, personalAad('invitations', 'email', id)), emailBidx: pd.blindIndex('email', email) };
}

export function openInvitationEmail(pd: PersonalData, row: { id: string; emailEnc: string }): string {
  return pd.open(row.emailEnc, personalAad('invitations', 'email', row.id));
}

/** `invitations` rows addressed to `email` (case-insensitive). */
export function invitationEmailIs(pd: PersonalData, email: string): SQL {
  return inArray(invitations.emailBidx, pd.blindIndexes('email', email));
}
