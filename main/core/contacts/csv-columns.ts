// Which CSV column holds what, from the header alone: the exports of Outlook (English, German,
// French), Google Contacts (old and new), and hand-made sheets in English, German, French and
// Chinese. Headers compare without case, accents, spaces or punctuation, so "E-mail Address",
// "email address" and "EMAIL_ADDRESS" are one. A column we do not know is listed as ignored.
import { canonicalLabel, emptyRawContact, type RawContact, type RawNumber, type SourcedValue } from './contact-draft.ts';

export const IMPORT_FIELDS = [
  'name',
  'first-name',
  'middle-name',
  'last-name',
  'company',
  'email',
  'crm-id',
  'notes',
  'number-work',
  'number-mobile',
  'number-home',
  'number-main',
  'number-fax',
  'number-pager',
  'number-other',
  /** "Phone 1 - Value": a number whose label is in the column "Phone 1 - Type" of the same group. */
  'number',
  /** "Phone 1 - Type": the label of the numbers in "Phone 1 - Value". */
  'number-label',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** What the preview shows: each header and the field it fills ('' for ignored columns). */
export interface ImportColumn {
  header: string;
  field: ImportField | '';
}

/** A column's role; `group` pairs "Phone N - Value" with "Phone N - Type" (0 elsewhere). */
export interface ColumnRole {
  header: string;
  field: ImportField | '';
  group: number;
}

const NAMES: Record<Exclude<ImportField, 'number' | 'number-label'>, readonly string[]> = {
  name: ['name', 'fullname', 'displayname', 'contactname', 'contact', 'contactperson', 'anzeigename', 'ansprechpartner', 'kontakt', 'nomcomplet', '姓名', '名字', '联系人', '联系人姓名'],
  'first-name': ['firstname', 'givenname', 'first', 'forename', 'vorname', 'prenom', '名'],
  'middle-name': ['middlename', 'additionalname', 'middle', 'weiterevornamen', 'zweitervorname', 'deuxiemeprenom', '中间名'],
  'last-name': ['lastname', 'familyname', 'surname', 'last', 'nachname', 'familienname', 'nom', 'nomdefamille', '姓'],
  company: [
    'company', 'companyname', 'organization', 'organisation', 'organizationname', 'organisationname', 'org', 'accountname', 'employer',
    'firma', 'firmenname', 'unternehmen', 'societe', 'entreprise', '公司', '公司名称', '单位', '工作单位', '企业', '组织',
  ],
  email: [
    'email', 'emailaddress', 'emailvalue', 'mail', 'primaryemail', 'workemail', 'emailadresse', 'adresseemail', 'adressedemessagerie',
    'courriel', 'adressecourriel', '邮箱', '邮箱地址', '电子邮件', '电子邮件地址', '电子邮箱', '邮件',
  ],
  'crm-id': [
    'crmid', 'externalid', 'id', 'contactid', 'customerid', 'customernumber', 'recordid', 'uid', 'kundennummer', 'kundenid', 'numeroclient',
    'idclient', '客户编号', '客户id', '编号',
  ],
  notes: [
    'notes', 'note', 'comments', 'comment', 'remarks', 'remark', 'description', 'notizen', 'notiz', 'bemerkung', 'bemerkungen', 'kommentar',
    'kommentare', 'anmerkungen', 'remarque', 'remarques', 'commentaire', 'commentaires', '备注', '说明', '附注',
  ],
  'number-work': [
    'businessphone', 'workphone', 'officephone', 'worknumber', 'directline', 'telefongeschaftlich', 'geschaftlich', 'telefonfirma', 'diensttelefon',
    'telephonebureau', 'telbureau', 'telephoneprofessionnel', 'telephonetravail', '工作电话', '办公电话', '单位电话', '公司电话',
  ],
  'number-mobile': [
    'mobilephone', 'mobile', 'mobilenumber', 'cell', 'cellphone', 'cellular', 'cellnumber', 'carphone', 'handy', 'handynummer', 'mobil',
    'mobiltelefon', 'mobilnummer', 'autotelefon', 'portable', 'telephonemobile', 'telephoneportable', 'telmobile', 'telportable', '手机', '手机号', '手机号码', '移动电话',
  ],
  'number-home': ['homephone', 'privatephone', 'personalphone', 'telefonprivat', 'privattelefon', 'telephonedomicile', 'teldomicile', 'telephonepersonnel', '家庭电话', '住宅电话'],
  'number-main': ['primaryphone', 'mainphone', 'companymainphone', 'haupttelefon', 'telefonzentrale', 'telephoneprincipal', '总机'],
  'number-fax': [
    'fax', 'faxnumber', 'businessfax', 'homefax', 'otherfax', 'telefax', 'faxgeschaftlich', 'faxprivat', 'weiteresfax', 'telecopie',
    'telecopiebureau', 'telecopiedomicile', '传真', '传真号码',
  ],
  'number-pager': ['pager', '寻呼机'],
  'number-other': [
    'phone', 'phonenumber', 'telephone', 'telephonenumber', 'tel', 'otherphone', 'callback', 'radiophone', 'isdn', 'ttytddphone', 'assistantsphone',
    'assistantphone', 'landline', 'telefon', 'telefonnummer', 'weiterestelefon', 'autretelephone', 'telephoneautre', 'numerodetelephone',
    '电话', '电话号码', '联系电话', '联系方式', '座机', '固定电话', '其他电话',
  ],
};

const KNOWN = new Map<string, ImportField>(
  Object.entries(NAMES).flatMap(([field, keys]) => keys.map((key) => [key, field as ImportField] as const)),
);

// Google: "Phone 1 - Value" / "Phone 1 - Type" (old) or "Phone 1 - Label" (new).
const GROUP_VALUE = /^(?:phone|telephone|tel|telefon)(\d+)(?:value|number|wert|valeur)?$/;
const GROUP_LABEL = /^(?:phone|telephone|tel|telefon)(\d+)(?:type|label|typ|art)$/;

/** A header as compared: no case, no accents, letters and digits only. */
function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function roleOf(header: string): ColumnRole {
  const key = headerKey(header);
  const exact = KNOWN.get(key);
  if (exact) return { header, field: exact, group: 0 };
  const value = GROUP_VALUE.exec(key);
  if (value) return { header, field: 'number', group: Number(value[1]) };
  const label = GROUP_LABEL.exec(key);
  if (label) return { header, field: 'number-label', group: Number(label[1]) };
  // "Business Phone 2", "E-mail 2 Address", "Organization 1 - Name" are their first column again.
  const again = KNOWN.get(key.replace(/\d+/g, ''));
  if (again && again !== 'crm-id') return { header, field: again, group: 0 };
  return { header, field: '', group: 0 };
}

export function mapColumns(headers: readonly string[]): ColumnRole[] {
  return headers.map(roleOf);
}

const NAMING: ReadonlySet<ImportField | ''> = new Set(['name', 'first-name', 'middle-name', 'last-name', 'company']);

/** True when some column can name a contact; without one, no row could be imported. */
export function canNameContacts(roles: readonly ColumnRole[]): boolean {
  return roles.some((r) => NAMING.has(r.field));
}

/** Google puts several values into one cell: "+1 555 0100 ::: +1 555 0101". */
const MULTI = ' ::: ';

// A leading apostrophe before = + - @ tab CR (or before another apostrophe and one of those) is
// how exports defuse spreadsheet formulas (ours included); the value is what follows it.
const DEFUSED = /^'(?='?[=+\-@\t\r])/;

/** One CSV record as a raw contact, by the column roles. */
export function rawFromRecord(roles: readonly ColumnRole[], fields: readonly string[], row: number, rowText: () => string): RawContact {
  const raw = emptyRawContact(row, rowText);
  const labels = new Map<number, string>();
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i];
    if (role?.field === 'number-label' && !labels.has(role.group)) {
      const cell = fields[i]?.replace(DEFUSED, '').trim() ?? '';
      if (cell !== '') labels.set(role.group, cell);
    }
  }
  const first = (current: SourcedValue | undefined, source: string, value: string): SourcedValue => current ?? { source, value };
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i];
    const cell = fields[i];
    if (role === undefined || role.field === '' || cell === undefined) continue;
    const value = cell.replace(DEFUSED, '');
    if (value.trim() === '') continue;
    const source = role.header;
    switch (role.field) {
      case 'name':
        raw.name = first(raw.name, source, value);
        break;
      case 'first-name':
        raw.firstName = first(raw.firstName, source, value);
        break;
      case 'middle-name':
        raw.middleName = first(raw.middleName, source, value);
        break;
      case 'last-name':
        raw.lastName = first(raw.lastName, source, value);
        break;
      case 'company':
        raw.company = first(raw.company, source, value);
        break;
      case 'email':
        raw.email = first(raw.email, source, value.split(MULTI)[0] ?? '');
        break;
      case 'crm-id':
        raw.crmId = first(raw.crmId, source, value);
        break;
      case 'notes':
        raw.notes = first(raw.notes, source, value);
        break;
      case 'number-label':
        break;
      case 'number':
        pushNumbers(raw.numbers, source, canonicalLabel(labels.get(role.group) ?? ''), value);
        break;
      default:
        pushNumbers(raw.numbers, source, role.field.slice('number-'.length), value);
    }
  }
  return raw;
}

function pushNumbers(into: RawNumber[], source: string, label: string, cell: string): void {
  for (const part of cell.split(MULTI)) {
    if (part.trim() !== '') into.push({ source, label, value: part.replace(DEFUSED, '') });
  }
}
