/**
 * CSV as Veil writes and reads it (RFC 4180): the report, the operator's report and the mapping
 * are written with csvRow; the pseudonym lookup table a user gives is read with parseCsv.
 */

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (or edge white space); quotes
 * doubled. A text that a spreadsheet would run as a formula (it starts with =, +, -, @, tab or CR:
 * an input path or a private value crafted as `=HYPERLINK(…)`) is defused with a leading
 * apostrophe, as OWASP advises; plain numbers ("-365" days) stay numbers.
 */
export function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(fields: readonly (string | number | undefined | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Records of a CSV text: quoted fields with doubled quotes; rows end at CRLF, LF or CR. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}
