import type { Insertable, Selectable, Updateable } from 'kysely';

/*
 * Table types. One representation on both databases: ids are text, flags are integers 0/1,
 * timestamps are ISO 8601 UTC text (they sort as text), details are JSON text.
 */

export interface CentreTable {
  id: string;
  number: string;
  name: string;
  quality_nominee_id: string | null;
}

export interface SiteTable {
  id: string;
  centre_id: string;
  number: string;
  name: string;
  quality_nominee_id: string | null;
}

export interface SubjectTable {
  id: string;
  name: string;
  sort_order: number;
}

export interface AccountTable {
  id: string;
  centre_id: string;
  home_site_id: string;
  username: string;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  mybtec_access: number;
  exams_officer: number;
  created_at: string;
  last_login_at: string | null;
  failed_logins: number;
  locked_until: string | null;
  terms_version: string | null;
  terms_accepted_at: string | null;
}

/** Wrong passwords for usernames without an account, counted like an account's (no enumeration). */
export interface UnknownLoginFailureTable {
  username: string;
  failed_logins: number;
  locked_until: string | null;
  updated_at: string;
}

/** The per-address limit on log-in and password reset: hits in the window of one route and address. */
export interface RateLimitWindowTable {
  key: string;
  hits: number;
  window_ends_at: string;
}

export interface SessionTable {
  id: string;
  account_id: string | null;
  data: string;
  created_at: string;
  expires_at: string;
}

export interface PasswordResetTable {
  token_hash: string;
  account_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditEventTable {
  id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  centre_id: string | null;
  site_id: string | null;
  subject_id: string | null;
  ip: string | null;
  details: string;
}

export interface OutboxTable {
  id: string;
  created_at: string;
  to_address: string;
  subject: string;
  body_text: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}

export interface FeedbackTable {
  id: string;
  account_id: string;
  centre_id: string;
  site_id: string;
  message: string;
  created_at: string;
}

export interface ClaimTable {
  id: string;
  centre_id: string;
  site_id: string;
  subject_id: string;
  claimant_id: string;
  role: string;
  status: string;
  approvers: string;
  created_at: string;
  decided_at: string | null;
  decided_by_id: string | null;
  decided_by_name: string | null;
  reason: string | null;
}

export interface QualificationTable {
  id: string;
  subject_id: string;
  title: string;
  level: string;
  size: string;
  glh: number;
}

export interface UnitTable {
  id: string;
  qualification_id: string;
  number: string;
  title: string;
  mandatory: number;
  glh: number;
  sort_order: number;
}

export interface LearningAimTable {
  unit_id: string;
  code: string;
  text: string;
}

export interface CriterionTable {
  unit_id: string;
  code: string;
  grade: string;
  text: string;
  sort_order: number;
}

export interface CourseTable {
  id: string;
  centre_id: string;
  site_id: string;
  subject_id: string;
  qualification_id: string;
  title: string;
  academic_year: string;
  start_date: string;
  end_date: string;
  status: string;
  created_by_id: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  cloned_from_id: string | null;
}

export interface CourseUnitTable {
  course_id: string;
  unit_id: string;
}

export interface CourseTeamTable {
  course_id: string;
  account_id: string;
  role: string;
}

export interface BriefTable {
  id: string;
  centre_id: string;
  site_id: string;
  subject_id: string;
  course_id: string;
  unit_id: string;
  author_id: string;
  status: string;
  version: number;
  iv_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface BriefVersionTable {
  brief_id: string;
  version: number;
  title: string;
  content: string;
  created_by_id: string;
  created_at: string;
  updated_at: string;
}

export interface BriefVerificationTable {
  id: string;
  brief_id: string;
  version: number;
  verifier_id: string;
  verifier_name: string;
  approved: number;
  record: string;
  at: string;
}

export interface Database {
  briefs: BriefTable;
  brief_versions: BriefVersionTable;
  brief_verifications: BriefVerificationTable;
  qualifications: QualificationTable;
  units: UnitTable;
  learning_aims: LearningAimTable;
  criteria: CriterionTable;
  courses: CourseTable;
  course_units: CourseUnitTable;
  course_team: CourseTeamTable;
  claims: ClaimTable;
  centres: CentreTable;
  sites: SiteTable;
  subjects: SubjectTable;
  accounts: AccountTable;
  unknown_login_failures: UnknownLoginFailureTable;
  rate_limit_windows: RateLimitWindowTable;
  sessions: SessionTable;
  password_resets: PasswordResetTable;
  audit_events: AuditEventTable;
  outbox: OutboxTable;
  feedback: FeedbackTable;
}

export type AccountRow = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type AccountUpdate = Updateable<AccountTable>;
export type SiteRow = Selectable<SiteTable>;
export type CentreRow = Selectable<CentreTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
export type ClaimRow = Selectable<ClaimTable>;
export type CourseRow = Selectable<CourseTable>;
export type BriefRow = Selectable<BriefTable>;
