import type { Projectors } from '../projection/types.js';

/** The alerts feature's projectors: an alert changes no projection (it lives in the ledger and the outbox). */
export const alertProjectors: Projectors = {
  alertRaised: () => {},
};
