/**
 * Date values: shifting DA and DT by whole days (Retain Longitudinal Temporal Information with
 * Modified Dates) so intervals between dates stay exact, and the dummies the basic profile uses.
 */

const DAY_MS = 86_400_000;

/** Shifts one DA value (YYYYMMDD; also tolerates the ACR-NEMA YYYY.MM.DD form). Unparseable values come back undefined. */
export function shiftDA(value: string, days: number): string | undefined {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t + days * DAY_MS);
  return `${d.getUTCFullYear().toString().padStart(4, '0')}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

/** Shifts the date part of a DT value, keeping time of day, fraction and UTC offset as they are. */
export function shiftDT(value: string, days: number): string | undefined {
  const v = value.trim();
  const m = /^(\d{4})(\d{2})?(\d{2})?(.*)$/.exec(v);
  if (!m) return undefined;
  if (!m[2] || !m[3]) {
    // Year or year-month precision: shift the year by whole years only when the shift is a
    // year or more, otherwise the precision cannot carry the change; keep the value's precision.
    const date = new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, 1) + days * DAY_MS);
    return `${date.getUTCFullYear().toString().padStart(4, '0')}${m[2] ? pad2(date.getUTCMonth() + 1) : ''}${m[4]}`;
  }
  const shifted = shiftDA(`${m[1]}${m[2]}${m[3]}`, days);
  return shifted === undefined ? undefined : shifted + m[4];
}

/** Shifts every value of a multi-valued DA or DT; values it cannot parse are emptied rather than kept. */
export function shiftDateValues(text: string, vr: 'DA' | 'DT', days: number): string {
  return text
    .split('\\')
    .map((v) => {
      if (!v.trim()) return v;
      // DA ranges (query syntax "A-B") are shifted at both ends.
      if (vr === 'DA' && v.includes('-')) return v.split('-').map((p) => (p ? shiftDA(p, days) ?? '' : '')).join('-');
      return (vr === 'DA' ? shiftDA(v, days) : shiftDT(v, days)) ?? '';
    })
    .join('\\');
}

const pad2 = (n: number): string => n.toString().padStart(2, '0');
