/**
 * Who issues the documents: the company profile printed on every page, and the approval block (who signed,
 * in which role, when). Configured once in {@link createReports}.
 *
 * @module
 */
import * as z from 'zod';
import { Instant, IsoDate } from '../domain/dates.js';
import { Gln, LIMITS, Name, Text } from '../domain/schemas.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The issuing company: name, postal address (one line each), contact, GLN, optional PNG logo. */
export const CompanyProfile = z.strictObject({
  name: Name,
  address: z.array(Name).min(1).max(6),
  contact: z
    .strictObject({
      name: Text(LIMITS.name, 0).optional(),
      email: Text(LIMITS.name, 0).optional(),
      phone: Text(LIMITS.name, 0).optional(),
    })
    .optional(),
  gln: Gln.optional(),
  /** PNG bytes of a logo, drawn at the top right of every page (at most 1 MB). */
  logoPng: z
    .instanceof(Uint8Array)
    .refine((b) => b.byteLength <= 1_048_576 && PNG_SIGNATURE.every((x, i) => b[i] === x), {
      message: 'must be a PNG image (signature 89 50 4E 47 0D 0A 1A 0A) of at most 1 MB',
    })
    .optional(),
});
/** The issuing company. */
export type CompanyProfile = z.input<typeof CompanyProfile>;

/** Who approved a document, in which role and when (an ISO instant or a `YYYY-MM-DD` date). */
export const Approval = z.strictObject({
  name: Name,
  role: Name,
  at: z.union([Instant, IsoDate]),
});
/** Who approved a document. */
export type Approval = z.input<typeof Approval>;

/** One line of contact: "Quality desk, quality@x.example, +44 …". */
export function contactLine(c: CompanyProfile['contact']): string {
  return c ? [c.name, c.email, c.phone].filter(Boolean).join(', ') : '';
}
