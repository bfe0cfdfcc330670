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
  approvals: '/user-role-approval',
  admin: {
    accounts: '/admin/accounts',
    newAccount: '/admin/accounts/new',
    account: (id: string) => `/admin/accounts/${encodeURIComponent(id)}`,
    sites: '/admin/sites',
    siteQualityNominee: (id: string) => `/admin/sites/${encodeURIComponent(id)}/quality-nominee`,
    centreQualityNominee: '/admin/centre/quality-nominee',
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
