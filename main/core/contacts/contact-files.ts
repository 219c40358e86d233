// What the core uses of the contacts folder: the import parser (it fits ImportParser in
// history/contact-imports.ts) and the export's file name. The export's CSV is built by the store
// (HistoryStore.contactsCsv), where the contacts are.
export { parseContactsFile } from './contact-import.ts';
export { contactsCsvFileName } from './contact-export.ts';
