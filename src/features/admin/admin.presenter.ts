import type { Account } from '../accounts/account.repository.js';
import type { Site } from '../organisation/organisation.repository.js';

export function presentAccount(account: Account) {
  return {
    id: account.id,
    username: account.username,
    firstName: account.firstName,
    lastName: account.lastName,
    mybtecAccess: account.mybtecAccess,
    examsOfficer: account.examsOfficer,
    homeSiteId: account.homeSiteId,
    createdAt: account.createdAt,
    lastLoginAt: account.lastLoginAt,
  };
}

export function presentSite(site: Site) {
  return {
    id: site.id,
    number: site.number,
    name: site.name,
    qualityNomineeId: site.qualityNomineeId,
  };
}
