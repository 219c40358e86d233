// What the core uses of the contacts folder: the import parser (it fits ImportParser in
// history/contact-imports.ts) and the CSV export with its file name.
export { parseContactsFile } from './contact-import.ts';
export { contactsCsvFileName, exportContactsCsv } from './contact-export.ts';
