/**
 * The EANCOM 2002 / D96A code values this module writes and accepts — a deliberate subset: a value outside
 * it is refused with the segment and position, rather than passed through unread.
 *
 * @module
 */

/** 1001 Document/message name: 351 despatch advice, 632 goods receipt (RECADV). */
export const DOCUMENT_NAMES = { DESADV: '351', RECADV: '632' } as const;
/** 1225 Message function: 9 original, 5 replacement, 1 cancellation. */
export const MESSAGE_FUNCTIONS = ['9', '5', '1'] as const;
/** 2005 Date/time qualifier: 137 document date, 11 despatch, 17 estimated delivery, 50 goods receipt, 36 expiry. */
export const DATE_QUALIFIERS = ['137', '11', '17', '50', '36'] as const;
/** 2379 Date/time format: 102 CCYYMMDD, 203 CCYYMMDDHHMM. */
export const DATE_FORMATS = ['102', '203'] as const;
/** 3035 Party qualifier: BY buyer, SU supplier, DP delivery party, SF ship from. */
export const PARTY_QUALIFIERS = ['BY', 'SU', 'DP', 'SF'] as const;
/** 3055 Code list agency for party ids: 9 = GS1 (EAN). */
export const GS1_AGENCY = '9';
/** 7143 Item type: SRV = GS1 GTIN (LIN); NB = batch number (PIA). */
export const ITEM_GTIN = 'SRV';
/** 7143 Item type in PIA: NB batch number. */
export const ITEM_BATCH = 'NB';
/** 4347 Product id function: 1 additional identification. */
export const PIA_ADDITIONAL = '1';
/** 6063 Quantity qualifier: 12 despatched, 48 received, 194 received and accepted. */
export const QUANTITY_QUALIFIERS = { DESADV: ['12'], RECADV: ['48', '194'] } as const;
/** 7405 Identity number qualifier: BX batch number. */
export const GIN_BATCH = 'BX';
/** 4233 Marking instructions (PCI): 36E = marked with batch and expiry (GS1 label). */
export const PCI_MARKING = '36E';
/** 1153 Reference qualifier: ON buyer's order number, DQ delivery note number. */
export const REFERENCE_QUALIFIERS = ['ON', 'DQ'] as const;
/** 7065 Package type (PAC): 201 ISO 1 pallet, PK package, CT carton. */
export const PACKAGE_TYPES = ['201', 'PK', 'CT'] as const;
/** UN/ECE Recommendation 20 units this module maps from lotgraph's unit codes. */
export const UNIT_CODES: Readonly<Record<string, string>> = {
  kg: 'KGM',
  g: 'GRM',
  t: 'TNE',
  l: 'LTR',
  ml: 'MLT',
  pc: 'PCE',
  ea: 'EA',
  m: 'MTR',
};
