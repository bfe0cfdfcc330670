/** Form bodies arrive as strings (or lists of them); anything else is treated as absent. */
export type FormBody = Record<string, unknown>;

export function asForm(body: unknown): FormBody {
  return body !== null && typeof body === 'object' ? (body as FormBody) : {};
}

/** One text field, trimmed; a repeated field or a non-string counts as empty. */
export function text(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A password exactly as typed: passwords are case and space sensitive. */
export function raw(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** A checkbox group or radio: the list of values chosen. */
export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function clientIp(request: { ip: string }): string {
  return request.ip;
}
