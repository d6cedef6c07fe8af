/**
 * The console's one-line notices after a redirect. The URL carries only a code from this fixed set (and, for
 * `decided`, an incident id of the server's own shape); the text is always the server's, so nothing a link's
 * author writes is ever shown on the page.
 */

const NOTICES = {
  "nothing-to-claim": "Nothing to claim.",
  decided: "Decided",
  suspended: "The incident's key is suspended.",
  "end-user-suspended": "The incident's end user is suspended; the key's other end users keep working.",
  "signature-added": "Signature added; every gateway replica applies it within a second.",
  "signature-removed": "Signature removed; every gateway replica stops matching it within a second.",
} as const;

/** A notice the console can show. */
export type NoticeCode = keyof typeof NOTICES;

/** Incident ids as the gateway and the deep scan make them (`inc_` / `ds_` and 96 random bits in hex). */
const INCIDENT_ID = /^[a-z]{2,4}_[0-9a-f]{24}$/;

/** The redirect target `path` with a notice. */
export function withNotice(path: string, code: NoticeCode, incidentId?: string): string {
  const q = new URLSearchParams({ notice: code });
  if (incidentId !== undefined) q.set("id", incidentId);
  return `${path}?${q.toString()}`;
}

/** The text for `?notice=` (and `?id=`): undefined for anything but a known code. */
export function noticeText(code: string | undefined, incidentId: string | undefined): string | undefined {
  if (code === undefined || !Object.hasOwn(NOTICES, code)) return undefined;
  const text = NOTICES[code as NoticeCode];
  if (code !== "decided") return text;
  return incidentId !== undefined && INCIDENT_ID.test(incidentId) ? `${text} ${incidentId}.` : `${text}.`;
}
