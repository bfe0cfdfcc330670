import type { Brief, BriefVersion } from './brief.repository.js';

function presentVersion(version: BriefVersion) {
  return {
    version: version.version,
    title: version.title,
    aims: version.aims,
    criteria: version.criteria,
    scenario: version.scenario,
    tasks: version.tasks,
    evidence: version.evidence,
    sources: version.sources,
    issueDate: version.issueDate,
    handInDate: version.handInDate,
    assessorId: version.assessorId,
    createdAt: version.createdAt,
    updatedAt: version.updatedAt,
  };
}

/** A brief on the wire: its current version's content at the top, every version and IV record below. */
export function presentBrief(brief: Brief) {
  return {
    id: brief.id,
    courseId: brief.courseId,
    unitId: brief.unitId,
    siteId: brief.siteId,
    subjectId: brief.subjectId,
    status: brief.status,
    author: brief.author,
    iv: brief.iv,
    ...presentVersion(brief.current),
    createdAt: brief.createdAt,
    updatedAt: brief.updatedAt,
    versions: brief.versions.map(presentVersion),
    verifications: brief.verifications.map((v) => ({
      id: v.id,
      version: v.version,
      verifier: v.verifier,
      approved: v.approved,
      checklist: v.checklist,
      comments: v.comments,
      feedback: v.feedback,
      actionRequired: v.actionRequired,
      targetDate: v.targetDate,
      at: v.at,
    })),
  };
}
