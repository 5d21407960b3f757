/*
 * Verification of an RDS IAM authentication token, the way RDS does it, with no MariaDB dependency.
 *
 * A token is a presigned SigV4 URL without its scheme:
 *   <host>:<port>/?Action=connect&DBUser=<user>&X-Amz-Algorithm=AWS4-HMAC-SHA256
 *     &X-Amz-Credential=<akid>/<yyyymmdd>/<region>/rds-db/aws4_request&X-Amz-Date=<yyyymmddThhmmssZ>
 *     &X-Amz-Expires=<seconds>&X-Amz-SignedHeaders=host[&X-Amz-Security-Token=...]&X-Amz-Signature=<hex>
 * in any parameter order.
 */
#ifndef RDS_IAM_RDS_TOKEN_H
#define RDS_IAM_RDS_TOKEN_H

#include <stddef.h>
#include <time.h>

/* The longest token accepted; a token with a session token is about 1.5 KiB. */
#define RDS_TOKEN_MAX_LENGTH 16384
/* RDS tokens live 15 minutes at most. */
#define RDS_TOKEN_MAX_EXPIRES_SECONDS 900
/* Room for a rejection reason: names and values in it are truncated to fit. */
#define RDS_TOKEN_REASON_SIZE 512

/* One key pair the emulator trusts, standing in for IAM. */
struct rds_credential {
  const char *access_key_id;
  const char *secret_access_key;
  /* When set, the token must carry exactly this X-Amz-Security-Token; when NULL, any (or none) is accepted. */
  const char *session_token;
};

/* What a token must match: the server's configuration. */
struct rds_token_policy {
  /* host:port tokens must be signed for; the host is compared case-insensitively, as DNS does. */
  const char *endpoint;
  const char *region;
  const struct rds_credential *credentials;
  size_t credential_count;
  /* How far in the future X-Amz-Date may be, for clients whose clock runs ahead. */
  long max_clock_skew_seconds;
};

/*
 * Returns 0 when token is a valid, unexpired token for login_user signed with one of the policy's credentials.
 * Otherwise returns 1 and writes a one-line reason into reason (RDS_TOKEN_REASON_SIZE bytes). The reason may
 * name the user, host, access key id and dates; it never contains the signature, the session token or the token.
 */
int rds_token_verify(const char *token, size_t token_length, const char *login_user, size_t login_user_length,
                     const struct rds_token_policy *policy, time_t now, char *reason);

#endif
