/* Prints what wide_to_utf8 makes of strings hidapi could hand out, one "name<TAB>hex bytes" line
   each; test/unit/app/native-descriptor-addon.test.ts compiles it twice: with the host's 32-bit
   wchar_t (Linux, macOS) and with -fshort-wchar (16-bit, as on Windows). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/wide-to-utf8.h"

static void show(const char *name, const wchar_t *text) {
  char *utf8 = wide_to_utf8(text);
  const unsigned char *at;
  if (utf8 == NULL) {
    printf("%s\tOOM\n", name);
    return;
  }
  printf("%s\t", name);
  for (at = (const unsigned char *)utf8; *at != 0; at++) printf("%02x", *at);
  printf("\n");
  free(utf8);
}

int main(void) {
#if WCHAR_MAX <= 0xFFFF
  static const wchar_t lone_high[] = {0x0041, 0xD83D, 0};
  static const wchar_t lone_low[] = {0xDC00, 0x0062, 0};
  static const wchar_t high_then_letter[] = {0xD83D, 0x0063, 0};
  printf("wchar_bits\t16\n");
#else
  static const wchar_t lone_high[] = {0x0041, 0xD83D, 0};
  static const wchar_t lone_low[] = {0xDC00, 0x0062, 0};
  static const wchar_t high_then_letter[] = {0xD83D, 0x0063, 0};
  static const wchar_t beyond_unicode[] = {0x110000, 0x0064, 0};
  static const wchar_t negative[] = {(wchar_t)-1, 0x0065, 0};
  printf("wchar_bits\t32\n");
  show("beyond_unicode", beyond_unicode);
  show("negative", negative);
#endif
  show("null", NULL);
  show("empty", L"");
  show("ascii", L"Jabra EVOLVE LINK MS");
  show("latin1", L"Sennheiser Communications \u00e9\u00fc");
  show("bmp", L"\u8033\u673a \u20ac");
  show("astral", L"\U0001F4DE call");
  show("lone_high", lone_high);
  show("lone_low", lone_low);
  show("high_then_letter", high_then_letter);
  return 0;
}
