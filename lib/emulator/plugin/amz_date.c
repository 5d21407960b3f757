/* Dates in SigV4 tokens: X-Amz-Date is parsed strictly, times in rejection reasons are printed as ISO 8601 UTC. */
#define _DEFAULT_SOURCE /* timegm */

#include "amz_date.h"

#include <stdio.h>
#include <string.h>

/* The number written by count decimal digits at text (already checked to be digits). */
static int digits_value(const char *text, int count)
{
  int value = 0, i;
  for (i = 0; i < count; i++) value = value * 10 + (text[i] - '0');
  return value;
}

/* Parses yyyymmddThhmmssZ strictly (no 31 February) into seconds since the epoch. */
int amz_parse_date(const char *text, time_t *out)
{
  struct tm parts, check;
  int i;
  time_t when;

  if (strlen(text) != 16 || text[8] != 'T' || text[15] != 'Z') return 1;
  for (i = 0; i < 15; i++)
    if (i != 8 && (text[i] < '0' || text[i] > '9')) return 1;
  memset(&parts, 0, sizeof(parts));
  parts.tm_year = digits_value(text, 4) - 1900;
  parts.tm_mon = digits_value(text + 4, 2) - 1;
  parts.tm_mday = digits_value(text + 6, 2);
  parts.tm_hour = digits_value(text + 9, 2);
  parts.tm_min = digits_value(text + 11, 2);
  parts.tm_sec = digits_value(text + 13, 2);
  check = parts;
  when = timegm(&parts);
  if (when == (time_t)-1 || parts.tm_year != check.tm_year || parts.tm_mon != check.tm_mon ||
      parts.tm_mday != check.tm_mday || parts.tm_hour != check.tm_hour || parts.tm_min != check.tm_min ||
      parts.tm_sec != check.tm_sec)
    return 1;
  *out = when;
  return 0;
}

void amz_format_utc(time_t when, char *out, size_t size)
{
  struct tm parts;
  if (gmtime_r(&when, &parts) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0)
    snprintf(out, size, "%lld", (long long)when);
}
