import type { Course } from './course.repository.js';

/** A course on the wire. */
export function presentCourse(course: Course) {
  return {
    id: course.id,
    status: course.status,
    siteId: course.siteId,
    subjectId: course.subjectId,
    qualificationId: course.qualificationId,
    title: course.title,
    academicYear: course.academicYear,
    startDate: course.startDate,
    endDate: course.endDate,
    unitIds: course.unitIds,
    leaders: course.leaders,
    members: course.members,
    createdAt: course.createdAt,
    updatedAt: course.updatedAt,
    ...(course.confirmedAt ? { confirmedAt: course.confirmedAt } : {}),
    ...(course.clonedFromId ? { clonedFromId: course.clonedFromId } : {}),
  };
}
