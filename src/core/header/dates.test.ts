import { describe, expect, it } from 'vitest';
import { shiftDA, shiftDT, shiftDateValues } from './dates.ts';

describe('date shifting keeps intervals exact', () => {
  it('shifts across month, year and leap-day boundaries', () => {
    expect(shiftDA('20240301', -1)).toBe('20240229');
    expect(shiftDA('20231231', 1)).toBe('20240101');
    expect(shiftDA('2024.03.01', -366)).toBe('20230301');
  });
  it('keeps the interval between any two dates', () => {
    const days = (a: string, b: string) => (Date.UTC(+a.slice(0, 4), +a.slice(4, 6) - 1, +a.slice(6)) - Date.UTC(+b.slice(0, 4), +b.slice(4, 6) - 1, +b.slice(6))) / 86_400_000;
    for (const shift of [-3650, -400, -1, 17]) expect(days(shiftDA('20200110', shift)!, shiftDA('19430217', shift)!)).toBe(days('20200110', '19430217'));
  });
  it('keeps time of day, fraction and offset of DT values', () => {
    expect(shiftDT('20200110123456.789+0100', -10)).toBe('20191231123456.789+0100');
    expect(shiftDT('2020', -400)).toBe('2018');
  });
  it('shifts every value of a multi-valued element and empties what it cannot parse', () => {
    expect(shiftDateValues('20200101\\20200102', 'DA', 1)).toBe('20200102\\20200103');
    expect(shiftDateValues('garbage', 'DA', 1)).toBe('');
    expect(shiftDateValues('20200101-20200131', 'DA', -1)).toBe('20191231-20200130');
  });
});
