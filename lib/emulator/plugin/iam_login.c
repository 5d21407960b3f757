/*
 * The login check shared by the MariaDB plugin and the MySQL shim: settings, trusted key pairs, token verification
 * and the refusal log line. Every rejection is written to the server error log (the server's stderr) with its
 * reason; the token never is. Secrets live in a file, not in an option, so they show neither in `ps` nor in
 * SHOW VARIABLES.
 */
#include "iam_login.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "rds_token.h"

/* Longer lines than this cannot be a key pair with a session token. */
#define CREDENTIAL_LINE_SIZE 8192
#define MAX_CREDENTIALS 64

struct iam_login_settings iam_login_settings;

static struct rds_credential trusted_credentials[MAX_CREDENTIALS];
static size_t trusted_credential_count;

/* Writes one line to the error log (the server's stderr). */
static void log_line(const char *level, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void log_line(const char *level, const char *format, ...)
{
  char message[1024];
  struct tm parts;
  time_t now = time(NULL);
  va_list args;

  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  localtime_r(&now, &parts);
  fprintf(stderr, "%04d-%02d-%02d %2d:%02d:%02d 0 [%s] %s: %s\n", parts.tm_year + 1900, parts.tm_mon + 1,
          parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, level, IAM_LOGIN_PLUGIN_NAME, message);
  fflush(stderr);
}

static char *copy_string(const char *text)
{
  size_t length = strlen(text) + 1;
  char *copy = malloc(length);
  if (copy != NULL) memcpy(copy, text, length);
  return copy;
}

void iam_login_deinit(void)
{
  size_t i;
  for (i = 0; i < trusted_credential_count; i++) {
    struct rds_credential *credential = &trusted_credentials[i];
    if (credential->secret_access_key != NULL)
      OPENSSL_cleanse((char *)credential->secret_access_key, strlen(credential->secret_access_key));
    free((char *)credential->access_key_id);
    free((char *)credential->secret_access_key);
    free((char *)credential->session_token);
  }
  trusted_credential_count = 0;
}

/* Adds one "<akid> <secret> [<session token>]" line; returns 0, or 1 with nothing added when it is malformed. */
static int add_credential_line(char *line)
{
  const char *separators = " \t\r\n";
  char *state = NULL;
  char *access_key_id = strtok_r(line, separators, &state);
  char *secret_access_key = strtok_r(NULL, separators, &state);
  char *session_token = strtok_r(NULL, separators, &state);
  struct rds_credential *credential = &trusted_credentials[trusted_credential_count];

  if (access_key_id == NULL || access_key_id[0] == '#') return 0;
  if (secret_access_key == NULL || strtok_r(NULL, separators, &state) != NULL || trusted_credential_count == MAX_CREDENTIALS)
    return 1;
  credential->access_key_id = copy_string(access_key_id);
  credential->secret_access_key = copy_string(secret_access_key);
  credential->session_token = session_token != NULL ? copy_string(session_token) : NULL;
  trusted_credential_count++;
  if (credential->access_key_id == NULL || credential->secret_access_key == NULL ||
      (session_token != NULL && credential->session_token == NULL))
    return 1;
  return 0;
}

static int load_credentials(const char *path)
{
  char line[CREDENTIAL_LINE_SIZE];
  unsigned line_number = 0;
  FILE *file = fopen(path, "r");

  if (file == NULL) {
    log_line("ERROR", "cannot read --awsauthenticationplugin-credentials-file '%s': %s", path, strerror(errno));
    return 1;
  }
  while (fgets(line, sizeof(line), file) != NULL) {
    line_number++;
    if (add_credential_line(line)) {
      log_line("ERROR", "%s line %u is not '<access key id> <secret access key> [<session token>]'", path, line_number);
      fclose(file);
      OPENSSL_cleanse(line, sizeof(line));
      return 1;
    }
  }
  fclose(file);
  OPENSSL_cleanse(line, sizeof(line));
  if (trusted_credential_count == 0) {
    log_line("ERROR", "%s holds no key pair: add a line '<access key id> <secret access key>'", path);
    return 1;
  }
  return 0;
}

int iam_login_init(void)
{
  const struct iam_login_settings *settings = &iam_login_settings;
  const char *port;
  if (settings->endpoint == NULL || (port = strrchr(settings->endpoint, ':')) == NULL || port == settings->endpoint ||
      port[1] == '\0' || strspn(port + 1, "0123456789") != strlen(port + 1)) {
    log_line("ERROR", "--awsauthenticationplugin-endpoint must be host:port (the endpoint tokens are signed for)");
    return 1;
  }
  if (settings->region == NULL || settings->region[0] == '\0') {
    log_line("ERROR", "--awsauthenticationplugin-region must name an AWS region, e.g. us-east-1");
    return 1;
  }
  if (settings->credentials_file == NULL || settings->credentials_file[0] == '\0') {
    log_line("ERROR", "--awsauthenticationplugin-credentials-file is required: it lists the trusted key pairs");
    return 1;
  }
  if (load_credentials(settings->credentials_file)) {
    iam_login_deinit();
    return 1;
  }
  log_line("Note", "verifying IAM tokens for endpoint %s in %s with %zu trusted key pair(s)", settings->endpoint,
           settings->region, trusted_credential_count);
  return 0;
}

/* The login name as the client sent it, made safe for a log line: printable ASCII only, truncated. */
static const char *printable(const char *text, size_t length, char *out, size_t size)
{
  size_t i;
  for (i = 0; i < length && i < size - 1; i++) {
    char c = text[i];
    out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  out[i] = '\0';
  return out;
}

int iam_login_check(const unsigned char *packet, size_t packet_length, const struct iam_login_attempt *attempt,
                    int *password_given)
{
  struct rds_token_policy policy;
  char reason[RDS_TOKEN_REASON_SIZE], user_name[80], host[80];
  size_t token_length = packet_length;

  /* mysql_clear_password sends the password with its terminating NUL. */
  if (token_length > 0 && packet[token_length - 1] == '\0') token_length--;
  *password_given = token_length > 0;

  policy.endpoint = iam_login_settings.endpoint;
  policy.region = iam_login_settings.region;
  policy.credentials = trusted_credentials;
  policy.credential_count = trusted_credential_count;
  policy.max_clock_skew_seconds = (long)iam_login_settings.max_clock_skew;

  if (rds_token_verify((const char *)packet, token_length, attempt->user, attempt->user_length, &policy, time(NULL),
                       reason) != 0) {
    char thread[32] = "";
    if (attempt->thread_id != 0) snprintf(thread, sizeof(thread), " (thread %lu)", attempt->thread_id);
    log_line("Warning", "access denied for '%s'@'%s'%s: %s",
             printable(attempt->user, attempt->user_length, user_name, sizeof(user_name)),
             printable(attempt->host, attempt->host_length, host, sizeof(host)), thread, reason);
    return 1;
  }
  return 0;
}
