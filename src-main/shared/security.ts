/**
 * The dashboard's Content Security Policy, sent by the desktop window and by the loopback control
 * server: only our own scripts, no inline script, no eval, no plugins, no framing, no form posts.
 * `style-src 'unsafe-inline'` stays because Vue sets inline styles; `connect-src 'self'` lets the
 * browser dashboard reach its own control API.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
