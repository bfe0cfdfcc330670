import type { Account } from './account.repository.js';

export function presentUser(account: Account) {
  return {
    id: account.id,
    firstName: account.firstName,
    lastName: account.lastName,
    username: account.username,
  };
}
