import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * Security headers on every response: a Content-Security-Policy that runs only the app's own
 * scripts (no inline script; island props travel as data attributes), no framing, no MIME
 * sniffing, a strict referrer policy. A header a handler set itself is kept (`overwrite: false`):
 * `/sdk/lensloop.js` sends `Cross-Origin-Resource-Policy: cross-origin` so banks can import it.
 */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
    xContentTypeOptions: "nosniff",
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    overwrite: false,
  });
}
