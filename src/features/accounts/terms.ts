/** Bump the version whenever the terms change: everyone is asked to accept them again. */
export const TERMS_VERSION = '2026-12';
