import ExcelJS from 'exceljs';
import { toCsv, toXlsx } from './exports.js';

const table = {
  name: 'Risk register',
  columns: ['Title', 'Score', 'Note'],
  rows: [
    ['Theft, of laptops', 3, 'said "no"'],
    ['=HYPERLINK("http://x")', null, 'two\nlines'],
  ],
};

describe('exports', () => {
  it('writes RFC 4180 CSV: quotes what needs it, keeps numbers, neutralises formulas', () => {
    const text = toCsv(table).toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1)).toBe(
      'Title,Score,Note\r\n' +
        '"Theft, of laptops",3,"said ""no"""\r\n' +
        '"\'=HYPERLINK(""http://x"")",,"two\nlines"\r\n',
    );
  });

  it('writes one XLSX worksheet with a bold header row and typed cells', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(table)) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Risk register')!;
    expect(sheet.getCell('A1').value).toBe('Title');
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('B2').value).toBe(3);
    expect(sheet.getCell('C2').value).toBe('said "no"');
    expect(sheet.getCell('B3').value).toBe('');
    expect(sheet.rowCount).toBe(3);
  });
});
