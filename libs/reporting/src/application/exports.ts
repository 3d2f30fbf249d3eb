import ExcelJS from 'exceljs';

/** A table to export: column headers and one row of cells per line. */
export interface ExportTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
}

export type ExportFormat = 'csv' | 'xlsx';

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  // Quote what needs it; neutralise spreadsheet formulas (CSV injection) with a leading quote.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV (CRLF line ends, a UTF-8 byte-order mark so spreadsheets read accents right). */
export function toCsv(table: ExportTable): Buffer {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One worksheet with a bold, frozen header row and auto-filter. */
export async function toXlsx(table: ExportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ISMS Ledger';
  const sheet = workbook.addWorksheet(table.name.slice(0, 31));
  sheet.addRow([...table.columns]);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of table.rows) sheet.addRow(row.map((v) => (v === null ? '' : v)));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  table.columns.forEach((header, i) => {
    const widest = Math.max(
      header.length,
      ...table.rows.slice(0, 200).map((r) => String(r[i] ?? '').length),
    );
    sheet.getColumn(i + 1).width = Math.min(60, Math.max(10, widest + 2));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function render(
  table: ExportTable,
  format: ExportFormat,
): Promise<{ body: Buffer; contentType: string; fileName: string }> {
  const base = table.name.replace(/[^A-Za-z0-9_-]+/g, '-');
  return format === 'csv'
    ? { body: toCsv(table), contentType: 'text/csv; charset=utf-8', fileName: `${base}.csv` }
    : {
        body: await toXlsx(table),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: `${base}.xlsx`,
      };
}
