/*
 * The parts of AWS Signature Version 4 that an RDS IAM token needs, over OpenSSL.
 * Kept free of MariaDB headers so the token logic can be read (and compiled) on its own.
 */
#ifndef RDS_IAM_SIGV4_H
#define RDS_IAM_SIGV4_H

#include <stddef.h>

/* Length of a hex SHA-256 digest or HMAC-SHA256 signature, without the NUL. */
#define SIGV4_HEX_LENGTH 64

/* Writes the lowercase hex SHA-256 of data into hex (SIGV4_HEX_LENGTH + 1 bytes). Returns 0 on success. */
int sigv4_sha256_hex(const char *data, size_t length, char *hex);

/*
 * Derives the signing key (AWS4<secret> -> date -> region -> service -> aws4_request) and writes the
 * lowercase hex HMAC-SHA256 of string_to_sign into hex (SIGV4_HEX_LENGTH + 1 bytes). Returns 0 on success.
 */
int sigv4_signature_hex(const char *secret_access_key, const char *date_yyyymmdd, const char *region,
                        const char *service, const char *string_to_sign, char *hex);

/*
 * RFC 3986 encoding as SigV4 wants it: every byte except A-Z a-z 0-9 - _ . ~ becomes %XX (uppercase).
 * dst must hold 3 * length + 1 bytes. Returns the encoded length; dst is NUL-terminated.
 */
size_t sigv4_uri_encode(const char *src, size_t length, char *dst);

#endif
