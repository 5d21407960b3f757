/* Dates in SigV4 tokens. */
#ifndef RDS_IAM_AMZ_DATE_H
#define RDS_IAM_AMZ_DATE_H

#include <stddef.h>
#include <time.h>

/* Parses X-Amz-Date (yyyymmddThhmmssZ, a real calendar date) into seconds since the epoch. Returns 0 on success. */
int amz_parse_date(const char *text, time_t *out);

/* Writes when as yyyy-mm-ddThh:mm:ssZ into out. */
void amz_format_utc(time_t when, char *out, size_t size);

#endif
