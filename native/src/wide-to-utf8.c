/* hidapi hands out strings as wchar_t: UTF-16 on Windows, UTF-32 on Linux and macOS. The C
   library's wcstombs depends on the process locale (often "C" in Node), so convert by hand. */
#include "wide-to-utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT_CHARACTER 0xFFFDu

/* The code point that starts at text[*at]; moves *at past it. */
static uint32_t next_code_point(const wchar_t *text, size_t *at) {
#if WCHAR_MAX <= 0xFFFF
  uint32_t unit = (uint32_t)(uint16_t)text[*at];
  *at += 1;
  if (unit >= 0xD800u && unit <= 0xDBFFu) {
    /* A high surrogate pairs with the next unit only if that one is a low surrogate (the
       terminator is not, so a string ending in a lone high surrogate stops here). */
    uint32_t low = (uint32_t)(uint16_t)text[*at];
    if (low >= 0xDC00u && low <= 0xDFFFu) {
      *at += 1;
      return 0x10000u + ((unit - 0xD800u) << 10) + (low - 0xDC00u);
    }
    return REPLACEMENT_CHARACTER;
  }
  if (unit >= 0xDC00u && unit <= 0xDFFFu) return REPLACEMENT_CHARACTER;
  return unit;
#else
  /* wchar_t is a signed 32-bit int on Linux: a negative unit casts to a value above 0x10FFFF. */
  uint32_t unit = (uint32_t)text[*at];
  *at += 1;
  if (unit > 0x10FFFFu || (unit >= 0xD800u && unit <= 0xDFFFu)) return REPLACEMENT_CHARACTER;
  return unit;
#endif
}

static size_t utf8_length(uint32_t code_point) {
  if (code_point < 0x80u) return 1;
  if (code_point < 0x800u) return 2;
  if (code_point < 0x10000u) return 3;
  return 4;
}

static char *put_utf8(char *out, uint32_t code_point) {
  if (code_point < 0x80u) {
    *out++ = (char)code_point;
  } else if (code_point < 0x800u) {
    *out++ = (char)(0xC0u | (code_point >> 6));
    *out++ = (char)(0x80u | (code_point & 0x3Fu));
  } else if (code_point < 0x10000u) {
    *out++ = (char)(0xE0u | (code_point >> 12));
    *out++ = (char)(0x80u | ((code_point >> 6) & 0x3Fu));
    *out++ = (char)(0x80u | (code_point & 0x3Fu));
  } else {
    *out++ = (char)(0xF0u | (code_point >> 18));
    *out++ = (char)(0x80u | ((code_point >> 12) & 0x3Fu));
    *out++ = (char)(0x80u | ((code_point >> 6) & 0x3Fu));
    *out++ = (char)(0x80u | (code_point & 0x3Fu));
  }
  return out;
}

char *wide_to_utf8(const wchar_t *text) {
  static const wchar_t empty[1] = {0};
  size_t at = 0;
  size_t bytes = 0;
  char *result;
  char *out;
  if (text == NULL) text = empty;
  while (text[at] != 0) bytes += utf8_length(next_code_point(text, &at));
  result = (char *)malloc(bytes + 1);
  if (result == NULL) return NULL;
  out = result;
  at = 0;
  while (text[at] != 0) out = put_utf8(out, next_code_point(text, &at));
  *out = '\0';
  return result;
}

char *copy_utf8(const char *text) {
  size_t length;
  char *result;
  if (text == NULL) text = "";
  length = strlen(text);
  result = (char *)malloc(length + 1);
  if (result == NULL) return NULL;
  memcpy(result, text, length + 1);
  return result;
}
