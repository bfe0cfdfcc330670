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
  /** The course screens (the list is `courses`); the functions fill in a course's id. */
  coursePages: {
    create: '/courses/new',
    createQualification: '/courses/new/qualification', // + ?site=&subject=
    createDetails: '/courses/new/details', // + ?site=&subject=&qualification=
    course: (id: string) => `/courses/${encodeURIComponent(id)}`,
    edit: (id: string) => `/courses/${encodeURIComponent(id)}/edit`,
    confirm: (id: string) => `/courses/${encodeURIComponent(id)}/confirm`,
    remove: (id: string) => `/courses/${encodeURIComponent(id)}/delete`,
    clone: (id: string) => `/courses/${encodeURIComponent(id)}/clone`,
    team: (id: string) => `/courses/${encodeURIComponent(id)}/team`,
    /** Route patterns (Fastify) for the addresses above that take an id. */
    coursePattern: '/courses/:id',
    editPattern: '/courses/:id/edit',
    confirmPattern: '/courses/:id/confirm',
    removePattern: '/courses/:id/delete',
    clonePattern: '/courses/:id/clone',
    teamPattern: '/courses/:id/team',
  },
  assignments: '/assignments',
  /** The assignment brief screens (the list is `assignments`); the functions fill in a brief's id. */
  briefPages: {
    create: '/assignments/new', // + ?course=&unit=
    brief: (id: string) => `/assignments/${encodeURIComponent(id)}`,
    edit: (id: string) => `/assignments/${encodeURIComponent(id)}/edit`,
    send: (id: string) => `/assignments/${encodeURIComponent(id)}/send`,
    verify: (id: string) => `/assignments/${encodeURIComponent(id)}/verification`,
    version: (id: string, version: number) =>
      `/assignments/${encodeURIComponent(id)}/versions/${version}`,
    print: (id: string) => `/assignments/${encodeURIComponent(id)}/print`,
    pdf: (id: string) => `/assignments/${encodeURIComponent(id)}/pdf`,
    /** Route patterns (Fastify) for the addresses above that take an id. */
    briefPattern: '/assignments/:id',
    editPattern: '/assignments/:id/edit',
    sendPattern: '/assignments/:id/send',
    verifyPattern: '/assignments/:id/verification',
    versionPattern: '/assignments/:id/versions/:version',
    printPattern: '/assignments/:id/print',
    pdfPattern: '/assignments/:id/pdf',
  },
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
    me: '/api/v1/me',
    subjects: '/api/v1/subjects',
    claims: '/api/v1/claims',
    claim: '/api/v1/claims/:id',
    claimRevoke: '/api/v1/claims/:id/revoke',
    approvals: '/api/v1/approvals',
    qualifications: '/api/v1/qualifications',
    audit: '/api/v1/audit',
    briefs: '/api/v1/briefs',
    brief: '/api/v1/briefs/:id',
    briefSubmit: '/api/v1/briefs/:id/submit',
    briefVerification: '/api/v1/briefs/:id/verification',
    courses: '/api/v1/courses',
    course: '/api/v1/courses/:id',
    courseConfirm: '/api/v1/courses/:id/confirm',
    courseClone: '/api/v1/courses/:id/clone',
    courseTeam: '/api/v1/courses/:id/team',
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
