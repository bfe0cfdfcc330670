/** Every URL of the product, used by routes, redirects, templates and tests alike. */
export const paths = {
  home: '/',
  login: '/login',
  logout: '/logout',
  terms: '/terms',
  forgottenPassword: '/password/forgotten',
  resetPassword: '/password/reset', // + ?token=
  help: '/help',
  feedback: '/feedback',
  feedbackReceived: '/feedback/received',
  links: '/links',
  courses: '/courses',
  assignments: '/assignments',
  claimRoles: '/claim-roles',
  claimStart: '/claim-roles/start',
  claimQuestion: '/claim-roles/question',
  claimConfirm: '/claim-roles/confirm',
  claimWithdraw: '/claim-roles/withdraw',
  approvals: '/user-role-approval',
  approvalsRevoke: '/user-role-approval/revoke',
  admin: {
    accounts: '/admin/accounts',
    newAccount: '/admin/accounts/new',
    account: (id: string) => `/admin/accounts/${encodeURIComponent(id)}`,
    sites: '/admin/sites',
    siteQualityNominee: (id: string) => `/admin/sites/${encodeURIComponent(id)}/quality-nominee`,
    centreQualityNominee: '/admin/centre/quality-nominee',
    /** Route patterns (Fastify) for the two addresses above that take an id. */
    accountPattern: '/admin/accounts/:id',
    siteQualityNomineePattern: '/admin/sites/:id/quality-nominee',
  },
  devMail: '/dev/mail',
  assets: '/assets',
  health: '/health',
  api: {
    root: '/api/v1',
    openapi: '/api/v1/openapi.json',
    session: '/api/v1/session',
    termsAccept: '/api/v1/terms/accept',
    passwordReset: '/api/v1/password-reset',
    me: '/api/v1/me',
    subjects: '/api/v1/subjects',
    claims: '/api/v1/claims',
    claim: '/api/v1/claims/:id',
    claimRevoke: '/api/v1/claims/:id/revoke',
    approvals: '/api/v1/approvals',
    adminAccounts: '/api/v1/admin/accounts',
    adminAccount: '/api/v1/admin/accounts/:id',
    adminSites: '/api/v1/admin/sites',
    adminSiteQualityNominee: '/api/v1/admin/sites/:id/quality-nominee',
    adminCentreQualityNominee: '/api/v1/admin/centre/quality-nominee',
  },
} as const;

export function isApiPath(url: string): boolean {
  return url === paths.api.root || url.startsWith(`${paths.api.root}/`);
}
