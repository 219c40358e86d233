// Contact files shaped like what real address books export, written by hand: Outlook (English,
// quoted, CRLF, many columns), Google Contacts (old and new headers, " ::: " multi-values),
// a German Outlook/Excel file (`;`), a Chinese sheet, an iCloud vCard 3.0, a vCard 4.0 and an old
// phone's vCard 2.1 with QUOTED-PRINTABLE.

const crlf = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

export const OUTLOOK_CSV = crlf([
  '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title","Business Street","Business City",' +
    '"Assistant\'s Phone","Business Fax","Business Phone","Business Phone 2","Callback","Car Phone","Company Main Phone","Home Fax",' +
    '"Home Phone","Home Phone 2","ISDN","Mobile Phone","Other Fax","Other Phone","Pager","Primary Phone","Radio Phone","TTY/TDD Phone",' +
    '"Telex","Account","Categories","E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address","Notes"',
  '"Mr.","John","Q","Public","Jr.","Contoso Ltd.","Sales","Account Manager","1 Main St","Springfield",' +
    '"","+1 (425) 555-0199","+1 (425) 555-0100","+1 (425) 555-0101","","","","",' +
    '"","","","+1 (425) 555-0123","","","","","","",' +
    '"","ACC-1","Customers","john@contoso.com","SMTP","John Public (john@contoso.com)","jq@example.com","Prefers calls after 10.' +
    '\r\nSpeaks Spanish."',
  '"","","","","","Fabrikam Inc.","","","","",' +
    '"","","","","","","+44 20 7946 0000","",' +
    '"","","","","","","","","","",' +
    '"","","","info@fabrikam.example","SMTP","","",""',
  '"Ms.","Ana","","Ruiz","","","","","","",' +
    '"","","","","","","","",' +
    '"+34 91 123 45 67","","","","","","","","","",' +
    '"","","","","","","",""',
]);

export const GOOGLE_CSV_OLD = [
  'Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Nickname,Short Name,Notes,Group Membership,' +
    'E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,' +
    'Organization 1 - Type,Organization 1 - Name,Organization 1 - Title',
  'Li Wei,Wei,,Li,,,,,,* myContacts,* Work,li.wei@example.cn,Mobile,+86 138 0013 8000 ::: +86 139 0013 9000,Work,+86 10 6552 9988,,Example Co,Engineer',
  'Jane Roe,Jane,,Roe,,,,,"Met at the fair, 2023",* myContacts,,,* Home,(555) 010-4477,,,,,',
  'Nobody Here,,,,,,,,,* myContacts,,nobody@example.com,,,,,,,',
].join('\n');

export const GOOGLE_CSV_NEW = [
  'First Name,Middle Name,Last Name,Phonetic First Name,Nickname,File As,Organization Name,Organization Title,Notes,Labels,' +
    'E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value',
  'Sam,,Okafor,,,,Okafor & Sons,Owner,,* myContacts,Work,sam@okafor.example,Work Fax,+234 1 555 0100,Hotline,+234 1 555 0199',
].join('\n');

export const GERMAN_CSV = crlf([
  'Anrede;Vorname;Weitere Vornamen;Nachname;Firma;Abteilung;Position;Straße geschäftlich;Telefon geschäftlich;Fax geschäftlich;Mobiltelefon;Telefon privat;E-Mail-Adresse;Notizen;Kundennummer',
  'Herr;Jürgen;;Müller;Müller & Söhne GmbH;Einkauf;Leiter;Hauptstraße 1;+49 30 1234567;+49 30 1234568;0171 2345678;;juergen@mueller.example;"Rückruf; bitte vormittags";K-4711',
  'Frau;Änne;;Schröder;;;;;;;0160 9876543;030 555 12;;;',
]);

export const FRENCH_CSV = [
  'Prénom;Nom;Société;Téléphone;Téléphone mobile;Adresse de messagerie;Remarques',
  'Élodie;Lefèvre;Société Générale de Test;01 23 45 67 89;06 12 34 56 78;elodie@example.fr;Cliente fidèle',
].join('\n');

export const CHINESE_CSV = [
  '\uFEFF姓名,公司,电话,手机,邮箱,备注,客户编号',
  '张伟,北京示例科技有限公司,010-6552 9988,138 0013 8000,zhangwei@example.cn,重要客户,CRM-001',
  '王芳,,,+86 139 0013 9000,,,',
].join('\r\n');

/** Apple Contacts / iCloud: vCard 3.0, grouped numbers with custom labels, a folded photo. */
export const ICLOUD_VCF = crlf([
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
  'N:Appleseed;Johnny;;;',
  'FN:Johnny Appleseed',
  'ORG:Apple\\, Inc.;Engineering',
  'EMAIL;type=INTERNET;type=WORK;type=pref:johnny@apple.example',
  'EMAIL;type=INTERNET;type=HOME:johnny@home.example',
  'TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0101',
  'item1.TEL:+1 (408) 555-0199',
  'item1.X-ABLabel:Hotline',
  'item2.TEL;type=pref:+1 (408) 555-0102',
  'item2.X-ABLabel:_$!<Main>!$_',
  'TEL;type=WORK;type=FAX:+1 (408) 555-0103',
  'NOTE:Met at WWDC\\nLikes apples\\; green ones',
  'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0',
  ' Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==',
  'UID:7A4E3F1B-0C2D-4E5F-8A9B-1C2D3E4F5A6B',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Smith;Anna;Marie;Dr.;',
  'TEL;type=HOME;type=VOICE:020 7946 0018',
  'NOTE:A very long note that Apple folds at seventy-five octets so that it continues on',
  '  the next line with a leading space.',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'ORG:Acme Plumbing;',
  'TEL;type=WORK:+1 555 0100',
  'END:VCARD',
]);

/** vCard 4.0 (RFC 6350): tel: URIs, quoted TYPE lists, PREF, X-CRM-ID, KIND. */
export const VCARD4_VCF = crlf([
  'BEGIN:VCARD',
  'VERSION:4.0',
  'KIND:individual',
  'FN:Simon Perreault',
  'N:Perreault;Simon;;;ing. jr,M.Sc.',
  'ORG:Viagénie',
  'TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102',
  'TEL;VALUE=uri;TYPE="work,cell,voice,video,text":tel:+1-418-262-6501',
  'EMAIL;TYPE=work:simon.perreault@viagenie.ca',
  'X-CRM-ID:crm-8842',
  'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
  'NOTE;LANGUAGE=fr:Rappeler ^ lundi\\, 9h',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN;PID=1.1:王小明',
  'N:王;小明;;;',
  'TEL;TYPE=cell;VALUE=uri:tel:+86-138-0013-8000',
  'END:VCARD',
]);

/** An old phone's vCard 2.1: bare TYPE parameters, QUOTED-PRINTABLE with CHARSET and soft breaks. */
export const VCARD21_VCF = crlf([
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;',
  'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BC=',
  'ller',
  'TEL;CELL;VOICE:+49 171 2345678',
  'TEL;WORK;FAX:+49 30 1234568',
  'NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gr=FC=DFe an die Familie',
  'END:VCARD',
]);
