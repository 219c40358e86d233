// Telephony layouts of real devices, decoded BY HAND from the hex bytes in test/fixtures/hid
// and the HID specification, never from the parser's output. Each block lists the items of the
// telephony collection in order; [in R2: n] is the running bit count of that report after the
// item (bit offsets count from the first bit after the report-ID byte).
//
// Rules applied (HID 1.11 §6.2.2, HUT §3.4.1, NOTES.md §1.1/§1.6):
// - Global items (page, logical range, size, count, report ID) persist across collections until
//   changed; local items (usages) apply to the next main item only.
// - A variable field's element i gets the i-th usage; a field of count 1 takes the first usage.
// - A Usage's page is the last Usage Page declared before the main item (§6.2.2.8), except that a
//   usage preceding one already declared on that page keeps its own page (Linux's reading of the
//   same rule): `09 07 05 09 81 02` = Button 7, `09 07 05 09 09 01 81 02` = Telephony 0x07.
// - Type: Abs+NoPref = toggleSwitch, Abs+Pref = momentary, Rel = toggleButton for On/Off usages
//   (hook, mute, line busy, LEDs, ringer) and oneShot for the others (flash, redial, drop, reject).
// - Reject = Telephony 0x07, Button 7 or Button 1 (NOTES.md TL;DR 5), and 0xFF30:0xFFFD on GN pages.
// - byteLength = ceil(all bits of that report ID and direction / 8), padding included.
import type { Control, ControlName, ControlType, TelephonyLayout } from '../../../main/core/hid/layout.ts';

const TEL = 0x0b;
const LED = 0x08;
const BTN = 0x09;
const GN_TEL = 0xff30;
const GN_LED = 0xff40;

/** A one-bit 0..1 control. */
function bit(name: ControlName, usagePage: number, usage: number, bitOffset: number, type: ControlType): Control {
  return { name, usagePage, usage, bitOffset, bitSize: 1, type, logicalMin: 0, logicalMax: 1 };
}

function keypad(usagePage: number, bitOffset: number, logicalMax: number): Control {
  return {
    name: 'keypad',
    usagePage,
    usage: 0x06,
    bitOffset,
    bitSize: 4,
    type: 'momentary',
    logicalMin: 0,
    logicalMax,
    usageMin: 0xb0,
    usageMax: 0xbb,
  };
}

/*
 * Jabra EVOLVE LINK MS (0B0E:0307), 332 bytes.
 *
 * 0x000 05 0B        Usage Page (Telephony)
 * 0x002 09 05        Usage (Headset)
 * 0x004 A1 01        Collection (Application)            -> the telephony TLC 0x0B:0x05
 * 0x006 85 02          Report ID (2)
 * 0x008 05 0B          Usage Page (Telephony)
 * 0x00A 15 00          Logical Minimum (0)
 * 0x00C 25 01          Logical Maximum (1)
 * 0x00E 09 20          Usage (Hook Switch)
 * 0x010 09 97          Usage (Line Busy Tone)
 * 0x012 75 01          Report Size (1)
 * 0x014 95 02          Report Count (2)
 * 0x016 81 22          Input (Data,Var,Abs,NoPref)          bit 0 Hook, bit 1 Line Busy: toggleSwitch [in R2: 2]
 * 0x018 09 2F          Usage (Phone Mute)
 * 0x01A 09 21          Usage (Flash)
 * 0x01C 09 24          Usage (Redial)
 * 0x01E 09 50          Usage (Speed Dial)
 * 0x020 75 01 95 04    Report Size (1), Report Count (4)
 * 0x024 81 06          Input (Data,Var,Rel,Pref)            bit 2 Mute toggleButton, 3 Flash oneShot,
 *                                                          4 Redial oneShot, 5 Speed Dial (not named) [in R2: 6]
 * 0x026 09 07          Usage (0x07), page Telephony so far
 * 0x028 05 09          Usage Page (Button)                  -> at the main item the usage is Button 7
 * 0x02A 75 01 95 01    Report Size (1), Report Count (1)
 * 0x02E 81 02          Input (Data,Var,Abs,Pref)            bit 6 Button 7 = reject, momentary [in R2: 7]
 * 0x030 05 0B          Usage Page (Telephony)
 * 0x032 09 06          Usage (Telephony Key Pad)
 * 0x034 A1 02          Collection (Logical)
 * 0x036 19 B0 29 BB      Usage Minimum (Phone Key 0xB0), Usage Maximum (0xBB)
 * 0x03A 15 00 25 0B      Logical Minimum (0), Logical Maximum (11)
 * 0x03E 75 04 95 01      Report Size (4), Report Count (1)
 * 0x042 81 00            Input (Data,Array,Abs)             bits 7-10 keypad selector 0..11 = 0xB0..0xBB,
 *                                                          Abs+Pref: momentary [in R2: 11]
 * 0x044 C0             End Collection
 * 0x045 75 01 95 05    Report Size (1), Report Count (5)
 * 0x049 81 01          Input (Const)                        bits 11-15 padding [in R2: 16] -> 2 bytes
 * 0x04B 05 08          Usage Page (LED)
 * 0x04D 15 00 25 01    Logical 0..1
 * 0x051 09 17 09 09 09 18 09 20 09 21   Usage Off-Hook, Mute, Ring, Hold, Microphone
 * 0x05B 75 01 95 05    Report Size (1), Report Count (5)
 * 0x05F 91 22          Output (Data,Var,Abs,NoPref)         bits 0-4: Off-Hook 0, Mute 1, Ring 2, Hold 3,
 *                                                          Microphone 4, toggleSwitch [out R2: 5]
 * 0x061 05 0B 15 00 25 01 09 9E   Usage Page (Telephony), 0..1, Usage (Ringer)
 * 0x069 75 01 95 01    Report Size (1), Report Count (1)
 * 0x06D 91 22          Output (Data,Var,Abs,NoPref)         bit 5 Ringer, toggleSwitch [out R2: 6]
 * 0x06F 75 01 95 0A    Report Size (1), Report Count (10)
 * 0x073 91 01          Output (Const)                       bits 6-15 [out R2: 16] -> 2 bytes
 * 0x075 C0           End Collection
 *
 * GN vendor collection (NOTES.md §2.6):
 * 0x076 06 00 FF 09 05 A1 01   Usage Page (0xFF00), Usage (5), Collection (Application)
 * 0x07D 85 04          Report ID (4)
 * 0x07F 06 30 FF       Usage Page (GN Telephony 0xFF30)
 * 0x082 15 00 25 01    Logical 0..1
 * 0x086 09 20 09 97 75 01 95 02 81 22    bits 0-1 Hook, Line Busy: toggleSwitch [in R4: 2]
 * 0x090 09 2F 09 21 09 24 0A FD FF 09 50 75 01 95 05 81 06
 *                                         bits 2-6 Mute toggleButton, Flash, Redial, 0xFFFD reject
 *                                         (oneShot, bit 5), Speed Dial [in R4: 7]
 * 0x0A1 09 06 A1 02 19 B0 29 BB 15 00 25 0C 75 04 95 01 81 00 C0
 *                                         bits 7-10 keypad, Logical Maximum 12 here [in R4: 11]
 * 0x0B4 75 01 95 05 81 01                 padding [in R4: 16] -> 2 bytes
 * 0x0BA 06 40 FF 15 00 25 01 09 17 09 09 09 18 09 20 09 21 75 01 95 05 91 22
 *                                         GN LED page: Off-Hook 0, Mute 1, Ring 2, Hold 3, Mic 4 [out R4: 5]
 * 0x0D1 06 30 FF 15 00 25 01 09 9E 75 01 95 01 91 22   Ringer bit 5 [out R4: 6]
 * 0x0E0 75 01 95 0A 91 01                 padding [out R4: 16] -> 2 bytes
 * 0x0E6 85 08 …  0xFF60 report 8 and 0x10B 85 05 … 0xFF00 report 5: no telephony usage
 * 0x12C C0  then 0x12D Consumer collection, report 1 (volume): not telephony.
 */
export const jabraEvolveLinkMs: TelephonyLayout = {
  telephony: true,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: [
    {
      reportId: 2,
      direction: 'input',
      byteLength: 2,
      controls: [
        bit('hookSwitch', TEL, 0x20, 0, 'toggleSwitch'),
        bit('lineBusy', TEL, 0x97, 1, 'toggleSwitch'),
        bit('phoneMute', TEL, 0x2f, 2, 'toggleButton'),
        bit('flash', TEL, 0x21, 3, 'oneShot'),
        bit('redial', TEL, 0x24, 4, 'oneShot'),
        bit('reject', BTN, 0x07, 6, 'momentary'),
        keypad(TEL, 7, 11),
      ],
    },
    {
      reportId: 2,
      direction: 'output',
      byteLength: 2,
      controls: [
        bit('offHookLed', LED, 0x17, 0, 'toggleSwitch'),
        bit('muteLed', LED, 0x09, 1, 'toggleSwitch'),
        bit('ringLed', LED, 0x18, 2, 'toggleSwitch'),
        bit('holdLed', LED, 0x20, 3, 'toggleSwitch'),
        bit('microphoneLed', LED, 0x21, 4, 'toggleSwitch'),
        bit('ringer', TEL, 0x9e, 5, 'toggleSwitch'),
      ],
    },
  ],
  vendorChannel: {
    collection: { usagePage: 0xff00, usage: 0x05 },
    reports: [
      {
        reportId: 4,
        direction: 'input',
        byteLength: 2,
        controls: [
          bit('hookSwitch', GN_TEL, 0x20, 0, 'toggleSwitch'),
          bit('lineBusy', GN_TEL, 0x97, 1, 'toggleSwitch'),
          bit('phoneMute', GN_TEL, 0x2f, 2, 'toggleButton'),
          bit('flash', GN_TEL, 0x21, 3, 'oneShot'),
          bit('redial', GN_TEL, 0x24, 4, 'oneShot'),
          bit('reject', GN_TEL, 0xfffd, 5, 'oneShot'),
          keypad(GN_TEL, 7, 12),
        ],
      },
      {
        reportId: 4,
        direction: 'output',
        byteLength: 2,
        controls: [
          bit('offHookLed', GN_LED, 0x17, 0, 'toggleSwitch'),
          bit('muteLed', GN_LED, 0x09, 1, 'toggleSwitch'),
          bit('ringLed', GN_LED, 0x18, 2, 'toggleSwitch'),
          bit('holdLed', GN_LED, 0x20, 3, 'toggleSwitch'),
          bit('microphoneLed', GN_LED, 0x21, 4, 'toggleSwitch'),
          bit('ringer', GN_TEL, 0x9e, 5, 'toggleSwitch'),
        ],
      },
    ],
  },
};

/*
 * Poly (Plantronics) Blackwire C5220 (047F:C053), 560 bytes. One report ID per LED.
 *
 * Globals on entry to the telephony collection, left by the 0xFF99 collection before it
 * (0x02E..0x05A): Logical 0..1 (0x04C 25 01 after 15 00), Report Size 1 (0x054 75 01),
 * Report Count 7 (0x056 95 07), Report ID 0x9B.
 *
 * 0x05B 05 0B 09 05 A1 01   Usage Page (Telephony), Usage (Headset), Collection (Application)
 * 0x061 85 08          Report ID (8)
 * 0x063 09 2F          Usage (Phone Mute)
 * 0x065 95 01          Report Count (1)
 * 0x067 81 06          Input (Data,Var,Rel,Pref)            bit 0 Mute, toggleButton [in R8: 1]
 * 0x069 09 20 81 22    Hook Switch, Input (Abs,NoPref)      bit 1 Hook, toggleSwitch [in R8: 2]
 * 0x06D 09 21 81 02    Flash, Input (Abs,Pref)              bit 2 Flash, momentary [in R8: 3]
 * 0x071 09 24 81 06    Redial, Input (Rel,Pref)             bit 3 Redial, oneShot [in R8: 4]
 * 0x075 09 07          Usage (0x07) on Telephony
 * 0x077 05 09          Usage Page (Button)
 * 0x079 09 01          Usage (Button 1)                     already on the Button page, so 0x07 stays
 *                                                          Telephony Programmable Button
 * 0x07B 95 01 81 02    Count 1, Input (Data,Var,Abs,Pref)   bit 4 = first usage 0x0B:0x07 = reject,
 *                                                          momentary [in R8: 5]
 * 0x07F 95 03 81 01    Count 3, Input (Const)               bits 5-7 [in R8: 8] -> 1 byte
 * 0x083 05 08          Usage Page (LED)
 * 0x085 85 09 09 09 95 01 91 22   Report ID 9: LED Mute, Output (Abs,NoPref) bit 0 [out R9: 1]
 * 0x08D 95 07 91 01    padding [out R9: 8] -> 1 byte
 * 0x091 85 17 09 17 95 01 91 22 95 07 91 01   Report 0x17: Off-Hook bit 0, 1 byte
 * 0x09D 85 18 09 18 95 01 91 22 95 07 91 01   Report 0x18: Ring bit 0, 1 byte
 * 0x0A9 85 1A 09 1E …                         Report 0x1A: Speaker LED (0x1E): not named, omitted
 * 0x0B5 85 20 09 20 95 01 91 22 95 07 91 01   Report 0x20: Hold bit 0, 1 byte
 * 0x0C1 85 2A 09 2A 95 01 91 22 95 07 91 01   Report 0x2A: On-Line bit 0, 1 byte
 * 0x0CD C0
 * None of these report IDs appears in another collection (0xFFA2 uses 0x21-0x2B and 0xBE,
 * 0xFFA0 uses 0x14, 0x15, 0x19, 0x1B, 0x1F), so each output report is 1 byte.
 */
export const plantronicsBlackwireC5220: TelephonyLayout = {
  telephony: true,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: [
    {
      reportId: 0x08,
      direction: 'input',
      byteLength: 1,
      controls: [
        bit('phoneMute', TEL, 0x2f, 0, 'toggleButton'),
        bit('hookSwitch', TEL, 0x20, 1, 'toggleSwitch'),
        bit('flash', TEL, 0x21, 2, 'momentary'),
        bit('redial', TEL, 0x24, 3, 'oneShot'),
        bit('reject', TEL, 0x07, 4, 'momentary'),
      ],
    },
    { reportId: 0x09, direction: 'output', byteLength: 1, controls: [bit('muteLed', LED, 0x09, 0, 'toggleSwitch')] },
    { reportId: 0x17, direction: 'output', byteLength: 1, controls: [bit('offHookLed', LED, 0x17, 0, 'toggleSwitch')] },
    { reportId: 0x18, direction: 'output', byteLength: 1, controls: [bit('ringLed', LED, 0x18, 0, 'toggleSwitch')] },
    { reportId: 0x20, direction: 'output', byteLength: 1, controls: [bit('holdLed', LED, 0x20, 0, 'toggleSwitch')] },
    { reportId: 0x2a, direction: 'output', byteLength: 1, controls: [bit('onLineLed', LED, 0x2a, 0, 'toggleSwitch')] },
  ],
};

/*
 * Sennheiser SC 660 ANC USB (1395:0082), 273 bytes.
 *
 * 0x04D 05 0B 09 05 A1 01   Telephony Headset, Collection (Application)
 * 0x053 15 00 25 01 75 01   Logical 0..1, Report Size (1)
 * 0x059 85 08          Report ID (8)
 * 0x05B 09 2F 95 01 81 06   Phone Mute, Count 1, Input (Rel,Pref)    bit 0 toggleButton [in R8: 1]
 * 0x061 09 20 95 01 81 22   Hook Switch, Input (Abs,NoPref)          bit 1 toggleSwitch [in R8: 2]
 * 0x067 09 24 09 21 09 26 95 03 81 06
 *                            Redial, Flash, Drop, Input (Rel,Pref)   bits 2, 3, 4 oneShot [in R8: 5]
 * 0x071 09 07 05 09 09 01   Usage 0x07 (Telephony), Usage Page (Button), Button 1
 * 0x077 75 01 95 01 81 02   Input (Abs,Pref), one element            bit 5 = 0x0B:0x07 reject,
 *                                                                    momentary [in R8: 6]
 * 0x07D 95 02 81 01         padding [in R8: 8] -> 1 byte
 * 0x081 05 08 85 09         Usage Page (LED), Report ID (9)
 * 0x085 09 09 09 17 09 18 09 21 09 2A 09 20   Mute, Off-Hook, Ring, Microphone, On-Line, Hold
 * 0x091 95 06 91 22         Output (Abs,NoPref)   bits 0-5 in that order, toggleSwitch [out R9: 6]
 * 0x095 95 02 91 01         padding [out R9: 8] -> 1 byte
 * 0x099 C0
 * (The 0xFFFF collection after it mirrors telephony on vendor page 0xFF13 in report 2: not used.)
 */
export const sennheiserSc660: TelephonyLayout = {
  telephony: true,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: [
    {
      reportId: 8,
      direction: 'input',
      byteLength: 1,
      controls: [
        bit('phoneMute', TEL, 0x2f, 0, 'toggleButton'),
        bit('hookSwitch', TEL, 0x20, 1, 'toggleSwitch'),
        bit('redial', TEL, 0x24, 2, 'oneShot'),
        bit('flash', TEL, 0x21, 3, 'oneShot'),
        bit('drop', TEL, 0x26, 4, 'oneShot'),
        bit('reject', TEL, 0x07, 5, 'momentary'),
      ],
    },
    {
      reportId: 9,
      direction: 'output',
      byteLength: 1,
      controls: [
        bit('muteLed', LED, 0x09, 0, 'toggleSwitch'),
        bit('offHookLed', LED, 0x17, 1, 'toggleSwitch'),
        bit('ringLed', LED, 0x18, 2, 'toggleSwitch'),
        bit('microphoneLed', LED, 0x21, 3, 'toggleSwitch'),
        bit('onLineLed', LED, 0x2a, 4, 'toggleSwitch'),
        bit('holdLed', LED, 0x20, 5, 'toggleSwitch'),
      ],
    },
  ],
};

/*
 * EPOS IMPACT D1 (1395:009C), 536 bytes. Hook Switch is Abs+Pref (momentary); the LEDs are
 * Abs+Pref too; the reject bit is a one-bit array; a nested application collection follows.
 *
 * 0x000 05 0B 09 05 A1 01   Telephony Headset, Collection (Application)
 * 0x006 85 02 15 00 25 01   Report ID (2), Logical 0..1
 * 0x00C 09 20 75 01 95 01 81 02   Hook Switch, Input (Data,Var,Abs,Pref)   bit 0 momentary [in R2: 1]
 * 0x014 09 21 09 24 09 2F 09 26 75 01 95 04 81 06
 *                            Flash, Redial, Phone Mute, Drop, Input (Rel,Pref)
 *                            bit 1 Flash oneShot, 2 Redial oneShot, 3 Mute toggleButton,
 *                            4 Drop oneShot [in R2: 5]
 * 0x022 09 07 05 09 09 01   Usage 0x07 (Telephony), Usage Page (Button), Button 1
 * 0x028 75 01 95 01 81 40   Input (Data,Array,Abs,Null), 1 bit, logical 0..1: a selector whose
 *                            value 1 picks the second usage, Button 1 = reject; Abs+Pref: momentary
 *                            bit 5 [in R2: 6]
 * 0x02E 75 01 95 02 81 01   padding [in R2: 8] -> 1 byte
 * 0x034 85 03 05 08 15 00 25 01   Report ID (3), Usage Page (LED), 0..1
 * 0x03C 09 17 09 21 09 18 09 09 09 2A 09 20   Off-Hook, Microphone, Ring, Mute, On-Line, Hold
 * 0x048 75 01 95 06 91 02   Output (Data,Var,Abs,Pref)  bits 0-5 in that order, momentary [out R3: 6]
 * 0x04E 75 01 95 02 91 01   padding [out R3: 8] -> 1 byte
 * 0x054 A1 01 …  0x122 C0   nested Collection (Application): feature reports 0x40-0x55 only
 * 0x123 C0
 */
export const eposImpactD1: TelephonyLayout = {
  telephony: true,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: [
    {
      reportId: 2,
      direction: 'input',
      byteLength: 1,
      controls: [
        bit('hookSwitch', TEL, 0x20, 0, 'momentary'),
        bit('flash', TEL, 0x21, 1, 'oneShot'),
        bit('redial', TEL, 0x24, 2, 'oneShot'),
        bit('phoneMute', TEL, 0x2f, 3, 'toggleButton'),
        bit('drop', TEL, 0x26, 4, 'oneShot'),
        bit('reject', BTN, 0x01, 5, 'momentary'),
      ],
    },
    {
      reportId: 3,
      direction: 'output',
      byteLength: 1,
      controls: [
        bit('offHookLed', LED, 0x17, 0, 'momentary'),
        bit('microphoneLed', LED, 0x21, 1, 'momentary'),
        bit('ringLed', LED, 0x18, 2, 'momentary'),
        bit('muteLed', LED, 0x09, 3, 'momentary'),
        bit('onLineLed', LED, 0x2a, 4, 'momentary'),
        bit('holdLed', LED, 0x20, 5, 'momentary'),
      ],
    },
  ],
};

/*
 * Yealink WH66 (6993:B02B), 647 bytes.
 *
 * 0x000-0x075: the telephony collection, byte-identical to the Jabra EVOLVE LINK MS block above
 * (the test checks the bytes), so report 2 in and out decode exactly as there.
 *
 * 0x076 05 0C 09 01 A1 01 85 01 …  C0   Consumer, report 1: not telephony
 * GN-page clone in a collection of its own (Genesys yealink.ts uses report 4, reject 0x40):
 * 0x09D 06 30 FF 09 05 A1 01   Usage Page (0xFF30), Usage (5), Collection (Application)
 * 0x0A4 85 04 06 30 FF 15 00 25 01     Report ID (4), page 0xFF30, 0..1
 * 0x0AD 09 20 09 97 75 01 95 02 81 22  bits 0-1 Hook, Line Busy: toggleSwitch [in R4: 2]
 * 0x0B7 09 2F 09 21 09 24 09 50 0A FD FF 75 01 95 05 81 06
 *                           bits 2 Mute toggleButton, 3 Flash, 4 Redial, 5 Speed Dial (not named),
 *                           6 0xFFFD reject oneShot (= Genesys 0x40) [in R4: 7]
 * 0x0C8 06 30 FF 09 06 A1 02 19 B0 29 BB 15 00 25 0B 75 04 95 01 81 00 C0
 *                           bits 7-10 keypad 0..11 [in R4: 11]
 * 0x0DE 09 2A 0A FA FF 75 01 95 02 81 22   bits 11-12: 0xFF30:0x2A, 0xFF30:0xFFFA (not named) [in R4: 13]
 * 0x0E9 75 01 95 03 81 01   padding [in R4: 16] -> 2 bytes
 * 0x0EF 06 40 FF 15 00 25 01 09 17 09 09 09 18 09 20 09 21 75 01 95 05 91 02
 *                           Output (Abs,Pref): Off-Hook 0, Mute 1, Ring 2, Hold 3, Mic 4, momentary
 *                           [out R4: 5]
 * 0x106 75 01 95 03 91 03   padding [out R4: 8] -> 1 byte
 * 0x10C C0  then Teams 0xFF99, vendor 0xFF00 report 0xC8 (Report Count 1023 bytes), Teams 0x9A/0x9B.
 */
export const yealinkWh66: TelephonyLayout = {
  telephony: true,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: jabraEvolveLinkMs.reports,
  vendorChannel: {
    collection: { usagePage: GN_TEL, usage: 0x05 },
    reports: [
      {
        reportId: 4,
        direction: 'input',
        byteLength: 2,
        controls: [
          bit('hookSwitch', GN_TEL, 0x20, 0, 'toggleSwitch'),
          bit('lineBusy', GN_TEL, 0x97, 1, 'toggleSwitch'),
          bit('phoneMute', GN_TEL, 0x2f, 2, 'toggleButton'),
          bit('flash', GN_TEL, 0x21, 3, 'oneShot'),
          bit('redial', GN_TEL, 0x24, 4, 'oneShot'),
          bit('reject', GN_TEL, 0xfffd, 6, 'oneShot'),
          keypad(GN_TEL, 7, 11),
        ],
      },
      {
        reportId: 4,
        direction: 'output',
        byteLength: 1,
        controls: [
          bit('offHookLed', GN_LED, 0x17, 0, 'momentary'),
          bit('muteLed', GN_LED, 0x09, 1, 'momentary'),
          bit('ringLed', GN_LED, 0x18, 2, 'momentary'),
          bit('holdLed', GN_LED, 0x20, 3, 'momentary'),
          bit('microphoneLed', GN_LED, 0x21, 4, 'momentary'),
        ],
      },
    ],
  },
};

/*
 * Dell SP325 speakerphone (413C:8223), 211 bytes.
 *
 * 0x086 05 0B 09 05 A1 01   Telephony Headset, Collection (Application)
 * 0x08C 15 00 25 01 75 01   Logical 0..1, Report Size (1)
 * 0x092 85 05               Report ID (5)
 * 0x094 09 20 95 01 81 22   Hook Switch, Input (Abs,NoPref)   bit 0 toggleSwitch [in R5: 1]
 * 0x09A 09 2F 95 01 81 06   Phone Mute, Input (Rel,Pref)      bit 1 toggleButton [in R5: 2]
 * 0x0A0 09 24 09 21 09 97 09 2A 09 50 95 05 81 06
 *                            Redial 2 oneShot, Flash 3 oneShot, Line Busy 4 (Rel: toggleButton),
 *                            Line 0x2A 5 and Speed Dial 6 (not named) [in R5: 7]
 * 0x0AE 09 07 05 09 09 01 75 01 95 01 81 02
 *                            one element, first usage 0x0B:0x07 = reject, Abs+Pref momentary,
 *                            bit 7 [in R5: 8] -> 1 byte
 * 0x0BA 05 08 85 05         Usage Page (LED), Report ID (5)
 * 0x0BE 09 17 09 09 09 18 09 20 09 21 09 2A   Off-Hook, Mute, Ring, Hold, Microphone, On-Line
 * 0x0CA 95 06 91 22         Output (Abs,NoPref) bits 0-5 in that order, toggleSwitch [out R5: 6]
 * 0x0CE 95 02 91 01         padding [out R5: 8] -> 1 byte
 * 0x0D2 C0
 */
export const dellSp325: TelephonyLayout = {
  telephony: true,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: [
    {
      reportId: 5,
      direction: 'input',
      byteLength: 1,
      controls: [
        bit('hookSwitch', TEL, 0x20, 0, 'toggleSwitch'),
        bit('phoneMute', TEL, 0x2f, 1, 'toggleButton'),
        bit('redial', TEL, 0x24, 2, 'oneShot'),
        bit('flash', TEL, 0x21, 3, 'oneShot'),
        bit('lineBusy', TEL, 0x97, 4, 'toggleButton'),
        bit('reject', TEL, 0x07, 7, 'momentary'),
      ],
    },
    {
      reportId: 5,
      direction: 'output',
      byteLength: 1,
      controls: [
        bit('offHookLed', LED, 0x17, 0, 'toggleSwitch'),
        bit('muteLed', LED, 0x09, 1, 'toggleSwitch'),
        bit('ringLed', LED, 0x18, 2, 'toggleSwitch'),
        bit('holdLed', LED, 0x20, 3, 'toggleSwitch'),
        bit('microphoneLed', LED, 0x21, 4, 'toggleSwitch'),
        bit('onLineLed', LED, 0x2a, 5, 'toggleSwitch'),
      ],
    },
  ],
};

/*
 * Logitech G535 (046D:0AC4), 59 bytes: no telephony collection at all.
 *
 * 0x000 05 0C 09 01 A1 01   Consumer Control, Collection (Application)
 * 0x006 85 01 09 E9 09 EA 75 01 95 02 15 00 25 01 81 02   Volume +/- (report 1)
 * 0x016 75 06 95 01 81 03 75 18 81 03 C0                   padding, End Collection
 * 0x021 06 43 FF 0A 02 02 A1 01   vendor 0xFF43, Collection (Application)
 * 0x029 85 11 95 13 75 08 26 FF 00 09 02 81 00 09 02 91 00 C0   report 0x11, 19-byte arrays
 */
export const logitechG535: TelephonyLayout = { telephony: false, collection: null, reports: [] };

/*
 * Razer Kraken Kitty V2 (1532:0560), 140 bytes: a Consumer collection with vendor reports, then
 * 0x085 05 0B 09 05 A1 01 C0: a telephony Headset collection with nothing in it.
 */
export const razerKrakenKittyV2: TelephonyLayout = {
  telephony: false,
  collection: { usagePage: TEL, usage: 0x05 },
  reports: [],
};

/** Hand-decoded layouts by fixture name. */
export const handDecoded: Record<string, TelephonyLayout> = {
  'jabra-evolve-link-ms': jabraEvolveLinkMs,
  'plantronics-blackwire-c5220': plantronicsBlackwireC5220,
  'sennheiser-sc660-anc-usb': sennheiserSc660,
  'epos-impact-d1': eposImpactD1,
  'yealink-wh66': yealinkWh66,
  'dell-sp325': dellSp325,
  'logitech-g535': logitechG535,
  'razer-kraken-kitty-v2': razerKrakenKittyV2,
};
