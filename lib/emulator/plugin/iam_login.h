/*
 * What both server plugins (MariaDB's C plugin, MySQL's C++ shim) share: the settings, the trusted key pairs, and
 * the login check itself, so the two engines accept and refuse exactly the same tokens with the same reasons.
 * Free of server headers: each shim binds its server's option macros to iam_login_settings and calls in here.
 */
#ifndef RDS_IAM_IAM_LOGIN_H
#define RDS_IAM_IAM_LOGIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IAM_LOGIN_PLUGIN_NAME "AWSAuthenticationPlugin"
#define IAM_LOGIN_DEFAULT_REGION "us-east-1"
#define IAM_LOGIN_DEFAULT_MAX_CLOCK_SKEW 300
#define IAM_LOGIN_MAX_CLOCK_SKEW_LIMIT 3600

/* The plugin's read-only server options (--awsauthenticationplugin-<name>); the server fills them in. */
struct iam_login_settings {
  char *endpoint;         /* host:port tokens must be signed for (required) */
  char *region;           /* region of the credential scope */
  char *credentials_file; /* lines "<access key id> <secret access key> [<session token>]" */
  unsigned int max_clock_skew; /* seconds a token's X-Amz-Date may be ahead of the server's clock */
};

extern struct iam_login_settings iam_login_settings;

/* Checks the settings and loads the key pairs; logs why and returns 1 when the plugin cannot work. */
int iam_login_init(void);

/* Forgets (and wipes) the key pairs. */
void iam_login_deinit(void);

/* Who is logging in, for the check and the refusal log line. */
struct iam_login_attempt {
  const char *user;
  size_t user_length;
  const char *host;
  size_t host_length;
  unsigned long thread_id; /* the server's connection id, or 0 when the server API gives none (MySQL) */
};

/*
 * Checks the password packet mysql_clear_password sent (the token, perhaps with its terminating NUL).
 * Returns 0 when it is a valid token for the attempt's user; otherwise logs the reason (never the token) and
 * returns 1. *password_given is set to whether the packet held anything.
 */
int iam_login_check(const unsigned char *packet, size_t packet_length, const struct iam_login_attempt *attempt,
                    int *password_given);

#ifdef __cplusplus
}
#endif

#endif
