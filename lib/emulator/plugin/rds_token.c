/*
 * RDS IAM token verification: parse the presigned query, check what RDS checks, recompute the SigV4
 * signature and compare it in constant time. Rejection reasons never quote secrets or the token.
 */
#include "rds_token.h"
#include "amz_date.h"
#include "sigv4.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

/* A real token has 8 or 9 parameters; anything far beyond that is not a token. */
#define MAX_PARAMS 24
/* Longest name or value quoted in a reason; longer ones end in "...". */
#define QUOTE_SIZE 80
/* SHA-256 of the empty payload: a presigned GET has no body. */
#define EMPTY_PAYLOAD_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct query_param {
  const char *key; /* percent-decoded, NUL-terminated */
  const char *value;
  const char *encoded_key; /* RFC 3986 re-encoded, for the canonical query */
  const char *encoded_value;
};

struct token_parts {
  const char *host_port;
  struct query_param params[MAX_PARAMS];
  size_t param_count;
};

static int reject(char *reason, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int reject(char *reason, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  vsnprintf(reason, RDS_TOKEN_REASON_SIZE, format, args);
  va_end(args);
  return 1;
}

/* A log-safe copy of client-supplied text: printable ASCII only, truncated. */
static const char *quote(const char *text, char *out)
{
  size_t i;
  for (i = 0; text[i] != '\0' && i < QUOTE_SIZE - 4; i++)
    out[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
  if (text[i] != '\0') {
    memcpy(out + i, "...", 3);
    i += 3;
  }
  out[i] = '\0';
  return out;
}

static int hex_value(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes src[0..length) into dst (NUL-terminated). Fails on a bad escape or a NUL byte. */
static int percent_decode(const char *src, size_t length, char *dst)
{
  size_t in, out = 0;
  for (in = 0; in < length; in++) {
    char c = src[in];
    if (c == '%') {
      int high, low;
      if (in + 2 >= length) return 1;
      high = hex_value(src[in + 1]);
      low = hex_value(src[in + 2]);
      if (high < 0 || low < 0) return 1;
      c = (char)(high * 16 + low);
      in += 2;
    }
    if (c == '\0') return 1;
    dst[out++] = c;
  }
  dst[out] = '\0';
  return 0;
}

static const char *find_param(const struct token_parts *parts, const char *key)
{
  size_t i;
  for (i = 0; i < parts->param_count; i++)
    if (strcmp(parts->params[i].key, key) == 0) return parts->params[i].value;
  return NULL;
}

/*
 * Splits text ("host:port/?k=v&...") into parts. Decoded and re-encoded strings go into storage, which must
 * hold 4 * strlen(text) + 4 * MAX_PARAMS bytes.
 */
static int parse_token(char *text, char *storage, struct token_parts *parts, char *reason)
{
  char *separator = strstr(text, "/?");
  char *cursor, quoted[QUOTE_SIZE];

  if (separator == NULL || separator == text)
    return reject(reason, "not an RDS IAM token: expected <host>:<port>/?Action=connect&DBUser=...");
  *separator = '\0';
  parts->host_port = text;
  parts->param_count = 0;

  for (cursor = separator + 2; *cursor != '\0';) {
    char *end = strchr(cursor, '&');
    size_t length = end != NULL ? (size_t)(end - cursor) : strlen(cursor);
    char *equals = memchr(cursor, '=', length);
    struct query_param *param;
    size_t i;

    if (equals == NULL || equals == cursor)
      return reject(reason, "malformed query: every parameter must be name=value");
    if (parts->param_count == MAX_PARAMS)
      return reject(reason, "malformed query: more than %d parameters", MAX_PARAMS);
    param = &parts->params[parts->param_count];

    param->key = storage;
    if (percent_decode(cursor, (size_t)(equals - cursor), storage))
      return reject(reason, "malformed query: bad percent-encoding in a parameter name");
    storage += strlen(storage) + 1;
    param->value = storage;
    if (percent_decode(equals + 1, length - (size_t)(equals + 1 - cursor), storage))
      return reject(reason, "malformed query: bad percent-encoding in the value of %s", quote(param->key, quoted));
    storage += strlen(storage) + 1;

    for (i = 0; i < parts->param_count; i++)
      if (strcmp(parts->params[i].key, param->key) == 0)
        return reject(reason, "malformed query: parameter %s appears more than once", quote(param->key, quoted));

    param->encoded_key = storage;
    storage += sigv4_uri_encode(param->key, strlen(param->key), storage) + 1;
    param->encoded_value = storage;
    storage += sigv4_uri_encode(param->value, strlen(param->value), storage) + 1;
    parts->param_count++;
    cursor = end != NULL ? end + 1 : cursor + length;
  }
  return 0;
}

static int compare_params(const void *left, const void *right)
{
  const struct query_param *a = left, *b = right;
  int by_key = strcmp(a->encoded_key, b->encoded_key);
  return by_key != 0 ? by_key : strcmp(a->encoded_value, b->encoded_value);
}

/* The canonical query: every parameter but the signature, encoded, sorted by name, joined with '&'. */
static void build_canonical_query(struct token_parts *parts, char *out)
{
  struct query_param sorted[MAX_PARAMS];
  size_t i, count = 0;
  for (i = 0; i < parts->param_count; i++)
    if (strcmp(parts->params[i].key, "X-Amz-Signature") != 0) sorted[count++] = parts->params[i];
  qsort(sorted, count, sizeof(sorted[0]), compare_params);
  out[0] = '\0';
  for (i = 0; i < count; i++) {
    if (i > 0) strcat(out, "&");
    strcat(out, sorted[i].encoded_key);
    strcat(out, "=");
    strcat(out, sorted[i].encoded_value);
  }
}

static const struct rds_credential *find_credential(const struct rds_token_policy *policy, const char *access_key_id)
{
  size_t i;
  for (i = 0; i < policy->credential_count; i++)
    if (strcmp(policy->credentials[i].access_key_id, access_key_id) == 0) return &policy->credentials[i];
  return NULL;
}

static int check_request(const struct token_parts *parts, const char *login_user, size_t login_user_length,
                         const struct rds_token_policy *policy, char *reason)
{
  static const char *const required[] = {"Action",        "DBUser",        "X-Amz-Algorithm",     "X-Amz-Credential",
                                         "X-Amz-Date",    "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"};
  char quoted[QUOTE_SIZE], quoted_other[QUOTE_SIZE];
  const char *db_user = find_param(parts, "DBUser");
  size_t i;

  for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
    if (find_param(parts, required[i]) == NULL) return reject(reason, "the token has no %s parameter", required[i]);

  if (strlen(parts->host_port) != strlen(policy->endpoint) || strcasecmp(parts->host_port, policy->endpoint) != 0)
    return reject(reason, "the token was signed for '%s' but this server's endpoint is '%s': sign it for that host and port",
                  quote(parts->host_port, quoted), policy->endpoint);
  if (strcmp(find_param(parts, "Action"), "connect") != 0)
    return reject(reason, "Action is '%s', expected 'connect'", quote(find_param(parts, "Action"), quoted));
  if (strlen(db_user) != login_user_length || memcmp(db_user, login_user, login_user_length) != 0) {
    char login[QUOTE_SIZE];
    size_t length = login_user_length < QUOTE_SIZE - 1 ? login_user_length : QUOTE_SIZE - 1;
    memcpy(login, login_user, length);
    login[length] = '\0';
    return reject(reason, "the token is for DBUser '%s' but the login user is '%s' (user names are case-sensitive)",
                  quote(db_user, quoted), quote(login, quoted_other));
  }
  if (strcmp(find_param(parts, "X-Amz-Algorithm"), "AWS4-HMAC-SHA256") != 0)
    return reject(reason, "X-Amz-Algorithm is '%s', expected 'AWS4-HMAC-SHA256'",
                  quote(find_param(parts, "X-Amz-Algorithm"), quoted));
  if (strcmp(find_param(parts, "X-Amz-SignedHeaders"), "host") != 0)
    return reject(reason, "X-Amz-SignedHeaders is '%s', expected 'host'",
                  quote(find_param(parts, "X-Amz-SignedHeaders"), quoted));
  return 0;
}

/* Checks X-Amz-Date and X-Amz-Expires against the clock. */
static int check_validity(const struct token_parts *parts, const struct rds_token_policy *policy, time_t now,
                          char *reason)
{
  const char *expires_text = find_param(parts, "X-Amz-Expires");
  char quoted[QUOTE_SIZE], signed_at_text[32], expired_at_text[32], now_text[32];
  time_t signed_at;
  long expires = 0;
  size_t i;

  if (amz_parse_date(find_param(parts, "X-Amz-Date"), &signed_at))
    return reject(reason, "X-Amz-Date '%s' is not a yyyymmddThhmmssZ date", quote(find_param(parts, "X-Amz-Date"), quoted));
  for (i = 0; expires_text[i] != '\0' && i < 6; i++) {
    if (expires_text[i] < '0' || expires_text[i] > '9') break;
    expires = expires * 10 + (expires_text[i] - '0');
  }
  if (i == 0 || expires_text[i] != '\0' || expires < 1 || expires > RDS_TOKEN_MAX_EXPIRES_SECONDS)
    return reject(reason, "X-Amz-Expires '%s' is not a whole number of seconds from 1 to %d", quote(expires_text, quoted),
                  RDS_TOKEN_MAX_EXPIRES_SECONDS);

  amz_format_utc(signed_at, signed_at_text, sizeof(signed_at_text));
  amz_format_utc(now, now_text, sizeof(now_text));
  if (signed_at > now + policy->max_clock_skew_seconds)
    return reject(reason, "the token is dated %s, more than %ld s ahead of this server's clock (%s): check the client's clock",
                  signed_at_text, policy->max_clock_skew_seconds, now_text);
  if (now > signed_at + expires) {
    amz_format_utc(signed_at + expires, expired_at_text, sizeof(expired_at_text));
    return reject(reason, "the token expired at %s (signed %s, valid %ld s); it is now %s: mint a new token",
                  expired_at_text, signed_at_text, expires, now_text);
  }
  return 0;
}

/* Checks X-Amz-Credential (<akid>/<yyyymmdd>/<region>/rds-db/aws4_request) and finds the key it names. */
static int check_scope(const struct token_parts *parts, const struct rds_token_policy *policy,
                       const struct rds_credential **credential, char *reason)
{
  char scope[256], quoted[QUOTE_SIZE];
  char *fields[5], *cursor;
  const char *amz_date = find_param(parts, "X-Amz-Date");
  const char *session_token = find_param(parts, "X-Amz-Security-Token");
  size_t count = 0;

  if (strlen(find_param(parts, "X-Amz-Credential")) >= sizeof(scope))
    return reject(reason, "X-Amz-Credential is too long");
  strcpy(scope, find_param(parts, "X-Amz-Credential"));
  for (cursor = scope; count < 5; count++) {
    fields[count] = cursor;
    cursor = strchr(cursor, '/');
    if (cursor == NULL) break;
    *cursor++ = '\0';
  }
  if (count != 4 || cursor != NULL)
    return reject(reason, "X-Amz-Credential is not <access key id>/<yyyymmdd>/<region>/rds-db/aws4_request");
  if (strncmp(fields[1], amz_date, 8) != 0 || strlen(fields[1]) != 8)
    return reject(reason, "the credential scope date '%s' is not the day of X-Amz-Date", quote(fields[1], quoted));
  if (strcmp(fields[2], policy->region) != 0)
    return reject(reason, "the token was signed for region '%s' but this server is in '%s'", quote(fields[2], quoted),
                  policy->region);
  if (strcmp(fields[3], "rds-db") != 0 || strcmp(fields[4], "aws4_request") != 0)
    return reject(reason, "the credential scope names service '%s', expected 'rds-db' and 'aws4_request'",
                  quote(fields[3], quoted));

  *credential = find_credential(policy, fields[0]);
  if (*credential == NULL)
    return reject(reason, "access key id '%s' is not one this server trusts", quote(fields[0], quoted));
  if ((*credential)->session_token != NULL) {
    size_t expected_length = strlen((*credential)->session_token);
    if (session_token == NULL || strlen(session_token) != expected_length ||
        CRYPTO_memcmp(session_token, (*credential)->session_token, expected_length) != 0)
      return reject(reason, "access key id '%s' is temporary: the token must carry its session token as X-Amz-Security-Token",
                    quote(fields[0], quoted));
  }
  return 0;
}

static int is_lowercase_hex(const char *text, size_t length)
{
  size_t i;
  if (strlen(text) != length) return 0;
  for (i = 0; i < length; i++)
    if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f'))) return 0;
  return 1;
}

/* Recomputes the signature over the canonical request and compares it in constant time. */
static int check_signature(struct token_parts *parts, const struct rds_token_policy *policy,
                           const struct rds_credential *credential, char *work, char *reason)
{
  const char *amz_date = find_param(parts, "X-Amz-Date");
  const char *given = find_param(parts, "X-Amz-Signature");
  char date_yyyymmdd[9], request_hash[SIGV4_HEX_LENGTH + 1], expected[SIGV4_HEX_LENGTH + 1], string_to_sign[256];
  char quoted[QUOTE_SIZE];
  size_t query_length;
  int mismatch;

  if (!is_lowercase_hex(given, SIGV4_HEX_LENGTH))
    return reject(reason, "X-Amz-Signature is not %d lowercase hex digits", SIGV4_HEX_LENGTH);

  build_canonical_query(parts, work);
  query_length = strlen(work);
  /* GET, path /, query, the one canonical header, a blank line, the signed header list, the payload hash. */
  memmove(work + 6, work, query_length + 1);
  memcpy(work, "GET\n/\n", 6);
  sprintf(work + 6 + query_length, "\nhost:%s\n\nhost\n%s", parts->host_port, EMPTY_PAYLOAD_SHA256);
  if (sigv4_sha256_hex(work, strlen(work), request_hash))
    return reject(reason, "internal error: SHA-256 failed");

  memcpy(date_yyyymmdd, amz_date, 8);
  date_yyyymmdd[8] = '\0';
  snprintf(string_to_sign, sizeof(string_to_sign), "AWS4-HMAC-SHA256\n%s\n%s/%s/rds-db/aws4_request\n%s", amz_date,
           date_yyyymmdd, policy->region, request_hash);
  if (sigv4_signature_hex(credential->secret_access_key, date_yyyymmdd, policy->region, "rds-db", string_to_sign,
                          expected))
    return reject(reason, "internal error: HMAC-SHA256 failed");
  mismatch = CRYPTO_memcmp(expected, given, SIGV4_HEX_LENGTH) != 0;
  OPENSSL_cleanse(expected, sizeof(expected));
  if (mismatch)
    return reject(reason, "the signature does not match: the token was altered or signed with another secret key "
                          "than the one of access key id '%s'",
                  quote(credential->access_key_id, quoted));
  return 0;
}

int rds_token_verify(const char *token, size_t token_length, const char *login_user, size_t login_user_length,
                     const struct rds_token_policy *policy, time_t now, char *reason)
{
  struct token_parts parts;
  const struct rds_credential *credential = NULL;
  char *text, *storage, *work;
  int rejected;

  memset(&parts, 0, sizeof(parts));
  if (token_length == 0) return reject(reason, "no token was sent (empty password)");
  if (token_length > RDS_TOKEN_MAX_LENGTH)
    return reject(reason, "the password is %zu bytes, longer than an RDS token can be (%d)", token_length,
                  RDS_TOKEN_MAX_LENGTH);
  if (memchr(token, '\0', token_length) != NULL) return reject(reason, "not an RDS IAM token: it contains a NUL byte");

  /* One allocation: the token's text, its decoded and re-encoded parameters, the canonical request. */
  text = malloc(token_length + 1 + 4 * token_length + 4 * MAX_PARAMS + 3 * token_length + strlen(policy->endpoint) + 256);
  if (text == NULL) return reject(reason, "internal error: out of memory");
  memcpy(text, token, token_length);
  text[token_length] = '\0';
  storage = text + token_length + 1;
  work = storage + 4 * token_length + 4 * MAX_PARAMS;

  rejected = parse_token(text, storage, &parts, reason) ||
             check_request(&parts, login_user, login_user_length, policy, reason) ||
             check_scope(&parts, policy, &credential, reason) || check_validity(&parts, policy, now, reason) ||
             check_signature(&parts, policy, credential, work, reason);

  OPENSSL_cleanse(text, token_length + 1);
  free(text);
  return rejected;
}
