/*
 * SigV4 primitives: SHA-256, the HMAC-SHA256 signing-key chain and RFC 3986 encoding.
 * OpenSSL does the cryptography; this file only strings the steps together as AWS documents them:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
#include "sigv4.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SHA256_LENGTH 32

static void to_hex(const unsigned char *bytes, size_t length, char *hex)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < length; i++) {
    hex[2 * i] = digits[bytes[i] >> 4];
    hex[2 * i + 1] = digits[bytes[i] & 0x0f];
  }
  hex[2 * length] = '\0';
}

int sigv4_sha256_hex(const char *data, size_t length, char *hex)
{
  unsigned char digest[SHA256_LENGTH];
  unsigned int digest_length = 0;
  if (!EVP_Digest(data, length, digest, &digest_length, EVP_sha256(), NULL) || digest_length != SHA256_LENGTH)
    return 1;
  to_hex(digest, SHA256_LENGTH, hex);
  return 0;
}

/* out = HMAC-SHA256(key, message); out holds SHA256_LENGTH bytes. */
static int hmac_sha256(const unsigned char *key, size_t key_length, const char *message, unsigned char *out)
{
  unsigned int out_length = 0;
  if (!HMAC(EVP_sha256(), key, (int)key_length, (const unsigned char *)message, strlen(message), out, &out_length))
    return 1;
  return out_length == SHA256_LENGTH ? 0 : 1;
}

int sigv4_signature_hex(const char *secret_access_key, const char *date_yyyymmdd, const char *region,
                        const char *service, const char *string_to_sign, char *hex)
{
  /* "AWS4" + the secret is the first HMAC key; it is wiped as soon as the chain has moved past it. */
  size_t secret_length = strlen(secret_access_key);
  unsigned char first_key[4 + 256];
  unsigned char key[SHA256_LENGTH];
  unsigned char signature[SHA256_LENGTH];
  int failed;

  if (secret_length > sizeof(first_key) - 4)
    return 1;
  memcpy(first_key, "AWS4", 4);
  memcpy(first_key + 4, secret_access_key, secret_length);

  failed = hmac_sha256(first_key, 4 + secret_length, date_yyyymmdd, key);
  OPENSSL_cleanse(first_key, sizeof(first_key));
  failed = failed || hmac_sha256(key, SHA256_LENGTH, region, key);
  failed = failed || hmac_sha256(key, SHA256_LENGTH, service, key);
  failed = failed || hmac_sha256(key, SHA256_LENGTH, "aws4_request", key);
  failed = failed || hmac_sha256(key, SHA256_LENGTH, string_to_sign, signature);
  OPENSSL_cleanse(key, sizeof(key));
  if (failed)
    return 1;
  to_hex(signature, SHA256_LENGTH, hex);
  return 0;
}

static int is_unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

size_t sigv4_uri_encode(const char *src, size_t length, char *dst)
{
  static const char digits[] = "0123456789ABCDEF";
  size_t in, out = 0;
  for (in = 0; in < length; in++) {
    unsigned char c = (unsigned char)src[in];
    if (is_unreserved(c)) {
      dst[out++] = (char)c;
    } else {
      dst[out++] = '%';
      dst[out++] = digits[c >> 4];
      dst[out++] = digits[c & 0x0f];
    }
  }
  dst[out] = '\0';
  return out;
}
