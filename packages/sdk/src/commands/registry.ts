/**
 * The one command registry: every command of every feature, registered once by name. The facade's
 * methods, `CommandInputs` and `lg.batch()` are derived from it, so a batch can run any command.
 *
 * @module
 */
import type { z } from 'zod';
import { raiseAlertCommand } from '../alerts/commands.js';
import {
  confirmPickCommand,
  defineCustomerPolicyCommand,
  releaseReservationCommand,
  reserveCommand,
} from '../allocation/commands.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventOf, EventType } from '../ledger/events.js';
import {
  attachDocumentCommand,
  defineSpecCommand,
  qualityDecisionCommand,
  recordTestCommand,
} from '../quality/commands.js';
import {
  recallAcknowledgeCommand,
  recallCloseCommand,
  recallNotifyCommand,
  recallOpenCommand,
} from '../recall/commands.js';
import { commissionSerialsCommand, setSerialStateCommand } from '../serials/commands.js';
import { moveUnitCommand, packCommand, unpackCommand } from '../serials/unit-commands.js';
import { holdCommand, releaseCommand } from './hold.js';
import { defineLocationCommand, definePartyCommand, defineProductCommand } from './master.js';
import { adjustCommand, correctCommand, moveCommand, reconcileCommand, returnCommand } from './movement.js';
import { receiveCommand } from './receive.js';
import { shipCommand } from './ship.js';
import { mergeCommand, produceCommand, repackCommand, splitCommand } from './transform.js';

/** Every command by the name `lg.batch()` knows it by. */
export const COMMANDS = {
  defineProduct: defineProductCommand,
  defineParty: definePartyCommand,
  defineLocation: defineLocationCommand,
  receive: receiveCommand,
  produce: produceCommand,
  move: moveCommand,
  adjust: adjustCommand,
  split: splitCommand,
  merge: mergeCommand,
  repack: repackCommand,
  ship: shipCommand,
  return: returnCommand,
  correct: correctCommand,
  hold: holdCommand,
  release: releaseCommand,
  reconcile: reconcileCommand,
  reserve: reserveCommand,
  releaseReservation: releaseReservationCommand,
  confirmPick: confirmPickCommand,
  defineCustomerPolicy: defineCustomerPolicyCommand,
  defineSpec: defineSpecCommand,
  recordResult: recordTestCommand,
  decideQuality: qualityDecisionCommand,
  attachDocument: attachDocumentCommand,
  recallOpen: recallOpenCommand,
  recallNotify: recallNotifyCommand,
  recallAcknowledge: recallAcknowledgeCommand,
  recallClose: recallCloseCommand,
  raiseAlert: raiseAlertCommand,
  commissionSerials: commissionSerialsCommand,
  setSerialState: setSerialStateCommand,
  pack: packCommand,
  unpack: unpackCommand,
  moveUnit: moveUnitCommand,
} as const;

/** The name of a registered command. */
export type CommandName = keyof typeof COMMANDS;

/** Input type of each command, by name (what `lg.batch` takes). */
export type CommandInputs = { [K in CommandName]: z.input<(typeof COMMANDS)[K]['schema']> };

/** The event a command appends, by name. */
export type CommandEvent<K extends CommandName> = EventOf<(typeof COMMANDS)[K]['type']>;

/** The registered spec of a command name, or undefined (own keys only: `__proto__` is not a command). */
export function commandSpec(name: unknown): CommandSpec<z.ZodType, EventType> | undefined {
  return typeof name === 'string' && Object.hasOwn(COMMANDS, name)
    ? (COMMANDS as unknown as Record<string, CommandSpec<z.ZodType, EventType>>)[name]
    : undefined;
}
