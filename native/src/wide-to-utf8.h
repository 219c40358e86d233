#ifndef HOOKSWITCH_WIDE_TO_UTF8_H
#define HOOKSWITCH_WIDE_TO_UTF8_H

#include <wchar.h>

/* A malloc'd UTF-8 copy of a NUL-terminated wide string (NULL reads as ""); malformed units
   become U+FFFD. Returns NULL only when memory runs out. */
char *wide_to_utf8(const wchar_t *text);

/* A malloc'd copy of a UTF-8 string (NULL reads as ""); NULL only when memory runs out. */
char *copy_utf8(const char *text);

#endif
