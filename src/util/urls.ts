/** Userinfo and query are where credentials hide in a URL; the report only needs where the SUT lives. */
export function sanitizeBaseUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/, '//');
  }
}
