/**
 * Input schemas of the serial and logistic-unit commands: serial numbers (GS1 AI 21), SSCCs (AI 00) with
 * their check digit, and the commands' strict inputs.
 *
 * @module
 */
import * as z from 'zod';
import { CommandMeta } from '../commands/schemas.js';
import {
  Code,
  Gtin,
  Id,
  LIMITS,
  Note,
  PositiveDecimal,
  SerialNumber,
  SerialRef,
  Sscc,
} from '../domain/schemas.js';

/** Most serials one command may commission (a bigger import is several commands: `lg.import` chunks). */
export const MAX_SERIALS_PER_COMMAND = 100_000;

const serialList = z.array(SerialRef).min(1).max(MAX_SERIALS_PER_COMMAND);

/**
 * Input of `commissionSerials`: serials for stock of a lot at a location, given as a list, a numbered range
 * or generated (random, EU FMD style). The lot's product must have a GTIN; the lot's serials in our custody
 * at the location never exceed its on-hand stock there.
 */
export const CommissionSerialsInput = CommandMeta.extend({
  lotId: Id,
  locationId: Id,
  serials: z.array(SerialNumber).min(1).max(MAX_SERIALS_PER_COMMAND).optional(),
  range: z
    .strictObject({
      prefix: z
        .string()
        .regex(/^[!"%-?A-Z_a-z]{0,19}$/, { message: 'must be characters of GS1 character set 82' })
        .default(''),
      start: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      count: z.number().int().min(1).max(MAX_SERIALS_PER_COMMAND),
      /** Zero-pad the number to this many digits (default: no padding). */
      width: z.number().int().min(1).max(20).default(1),
    })
    .optional(),
  generate: z
    .strictObject({
      count: z.number().int().min(1).max(MAX_SERIALS_PER_COMMAND),
      /** Characters per serial (default 12), from an alphabet without look-alikes (no 0/O, 1/I). */
      length: z.number().int().min(6).max(20).default(12),
    })
    .optional(),
  /** Pack them straight into this (existing, active) logistic unit at the same location. */
  unitId: Sscc.optional(),
}).superRefine((v, ctx) => {
  const given = [v.serials, v.range, v.generate].filter((x) => x !== undefined).length;
  if (given !== 1)
    ctx.addIssue({
      code: 'custom',
      path: ['serials'],
      message: 'give exactly one of serials, range or generate',
    });
});
/** Input of `commissionSerials`. */
export type CommissionSerialsInput = z.input<typeof CommissionSerialsInput>;

/**
 * Input of `setSerialState`: serials change state — in our custody (`active`/`returned`) to `destroyed`,
 * `sample` or `decommissioned` (stock goes down one base unit each); shipped to `dispensed`,
 * `decommissioned`, `destroyed` (no stock change), or back as `returned` to `locationId` (stock goes up);
 * `returned` to `active` (saleable again).
 */
export const SetSerialStateInput = CommandMeta.extend({
  serials: serialList,
  state: z.enum(['active', 'returned', 'dispensed', 'destroyed', 'sample', 'decommissioned']),
  /** Why (required for `decommissioned` and `destroyed`). */
  reason: Note.optional(),
  /** Where returned serials come back to (required for `returned`). */
  locationId: Id.optional(),
}).superRefine((v, ctx) => {
  if ((v.state === 'decommissioned' || v.state === 'destroyed') && !v.reason)
    ctx.addIssue({ code: 'custom', path: ['reason'], message: `is required for state "${v.state}"` });
  if (v.state === 'returned' && v.locationId === undefined)
    ctx.addIssue({ code: 'custom', path: ['locationId'], message: 'is required for state "returned"' });
});
/** Input of `setSerialState`. */
export type SetSerialStateInput = z.input<typeof SetSerialStateInput>;

const UnitLotInput = z.strictObject({ lotId: Id, quantity: PositiveDecimal, unit: Code.optional() });
const contents = {
  serials: z.array(SerialRef).max(MAX_SERIALS_PER_COMMAND).optional(),
  units: z.array(Sscc).max(LIMITS.items).optional(),
  lots: z.array(UnitLotInput).max(LIMITS.items).optional(),
};

/**
 * Input of `pack`: serials, loose lot quantities and other units into a logistic unit (aggregation). A new
 * SSCC creates the unit (`kind` and a location — given or that of its contents). Everything packed must be
 * with us at the unit's location; a serial or unit already in another unit moves over.
 */
export const PackInput = CommandMeta.extend({
  unitId: Sscc,
  kind: Code.optional(),
  locationId: Id.optional(),
  ...contents,
});
/** Input of `pack`. */
export type PackInput = z.input<typeof PackInput>;

/** Input of `unpack`: contents out of a unit (disaggregation); `all: true` empties and retires it. */
export const UnpackInput = CommandMeta.extend({
  unitId: Sscc,
  all: z.boolean().optional(),
  ...contents,
}).superRefine((v, ctx) => {
  const some = (v.serials?.length ?? 0) + (v.units?.length ?? 0) + (v.lots?.length ?? 0) > 0;
  if (v.all === true && some)
    ctx.addIssue({ code: 'custom', path: ['all'], message: 'give all: true or the contents, not both' });
  if (v.all !== true && !some)
    ctx.addIssue({ code: 'custom', path: ['serials'], message: 'name what to unpack, or all: true' });
});
/** Input of `unpack`. */
export type UnpackInput = z.input<typeof UnpackInput>;

/** Input of `moveUnit`: a unit and everything in it to another location (one SSCC scan). */
export const MoveUnitInput = CommandMeta.extend({ unitId: Sscc, toLocationId: Id });
/** Input of `moveUnit`. */
export type MoveUnitInput = z.input<typeof MoveUnitInput>;

/** Filter of `lg.serials.list`. */
export const SerialListQuery = z.strictObject({
  gtin: Gtin.optional(),
  lotId: Id.optional(),
  locationId: Id.optional(),
  state: z
    .enum(['active', 'shipped', 'returned', 'dispensed', 'destroyed', 'sample', 'decommissioned'])
    .optional(),
  unitIds: z.array(Sscc).max(LIMITS.items).optional(),
  shipmentIds: z.array(Id).max(LIMITS.items).optional(),
  after: SerialRef.optional(),
  limit: z.number().int().min(1).max(MAX_SERIALS_PER_COMMAND).optional(),
});
