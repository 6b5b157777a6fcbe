/** Open-redirect payloads for the sign-in and language-switch tests (unit and browser). */

/** `next` exactly as it appears in a query string or form body (already percent-encoded). */
export const OPEN_REDIRECT_PAYLOADS = [
  "/%09/127.0.0.1:9999/pwned",
  "/%0d/x",
  "/%0a/evil.example",
  "/%0d%0aSet-Cookie:%20a=b",
  "/%00/evil.example",
  "//evil.example",
  "%2F%2Fevil.example",
  "/%2F/evil.example",
  "///evil.example",
  "/%5Cevil.example",
  "%5C%5Cevil.example",
  "/%5C/evil.example",
  "%5C/evil.example",
  "/%09%09/evil.example",
  "javascript:alert(1)",
  "javascript%3Aalert(1)",
  "http://evil.example",
  "https:%2F%2Fevil.example",
  "http:evil.example",
  "evil.example",
  "%20//evil.example",
];
