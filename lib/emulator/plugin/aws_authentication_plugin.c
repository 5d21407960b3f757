/*
 * AWSAuthenticationPlugin for MariaDB: accepts RDS IAM authentication tokens as passwords, as RDS does.
 *
 * The client sends the token in clear (client plugin mysql_clear_password), so it must only be used over TLS;
 * RDS's own plugin has the same contract. Accounts use it with
 *   CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';
 * (any authentication string is accepted, RDS uses 'RDS').
 *
 * Settings (read-only server options, given on the mariadbd command line):
 *   --awsauthenticationplugin-endpoint=host:port     what tokens must be signed for (required)
 *   --awsauthenticationplugin-region=us-east-1
 *   --awsauthenticationplugin-credentials-file=PATH  lines "<access key id> <secret access key> [<session token>]"
 *   --awsauthenticationplugin-max-clock-skew=300     seconds a token may be dated in the future
 * Secrets live in a file, not in an option, so they show neither in `ps` nor in SHOW VARIABLES.
 * Every rejection is written to the server error log with its reason; the token never is.
 */
#include <mysql/plugin_auth.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "rds_token.h"

#define PLUGIN_NAME "AWSAuthenticationPlugin"
/* Longer lines than this cannot be a key pair with a session token. */
#define CREDENTIAL_LINE_SIZE 8192
#define MAX_CREDENTIALS 64

static char *endpoint_setting;
static char *region_setting;
static char *credentials_file_setting;
static unsigned int max_clock_skew_setting;

static MYSQL_SYSVAR_STR(endpoint, endpoint_setting, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "host:port that IAM tokens must be signed for: the endpoint this server stands in for", NULL,
                        NULL, NULL);
static MYSQL_SYSVAR_STR(region, region_setting, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "AWS region of the credential scope tokens must be signed in", NULL, NULL, "us-east-1");
static MYSQL_SYSVAR_STR(credentials_file, credentials_file_setting, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "File of trusted key pairs, one per line: <access key id> <secret access key> [<session token>]",
                        NULL, NULL, NULL);
static MYSQL_SYSVAR_UINT(max_clock_skew, max_clock_skew_setting, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                         "Seconds a token's X-Amz-Date may be ahead of this server's clock", NULL, NULL, 300, 0, 3600, 1);

static struct st_mysql_sys_var *plugin_settings[] = {MYSQL_SYSVAR(endpoint), MYSQL_SYSVAR(region),
                                                     MYSQL_SYSVAR(credentials_file), MYSQL_SYSVAR(max_clock_skew), NULL};

static struct rds_credential trusted_credentials[MAX_CREDENTIALS];
static size_t trusted_credential_count;

/* Writes one line to the error log (mariadbd's stderr) in the server's own format. */
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
          parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, level, PLUGIN_NAME, message);
  fflush(stderr);
}

static char *copy_string(const char *text)
{
  size_t length = strlen(text) + 1;
  char *copy = malloc(length);
  if (copy != NULL) memcpy(copy, text, length);
  return copy;
}

static void forget_credentials(void)
{
  size_t i;
  for (i = 0; i < trusted_credential_count; i++) {
    struct rds_credential *credential = &trusted_credentials[i];
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

static int plugin_init(void *plugin)
{
  const char *port;
  (void)plugin;
  if (endpoint_setting == NULL || (port = strrchr(endpoint_setting, ':')) == NULL || port == endpoint_setting ||
      port[1] == '\0' || strspn(port + 1, "0123456789") != strlen(port + 1)) {
    log_line("ERROR", "--awsauthenticationplugin-endpoint must be host:port (the endpoint tokens are signed for)");
    return 1;
  }
  if (region_setting == NULL || region_setting[0] == '\0') {
    log_line("ERROR", "--awsauthenticationplugin-region must name an AWS region, e.g. us-east-1");
    return 1;
  }
  if (credentials_file_setting == NULL || credentials_file_setting[0] == '\0') {
    log_line("ERROR", "--awsauthenticationplugin-credentials-file is required: it lists the trusted key pairs");
    return 1;
  }
  if (load_credentials(credentials_file_setting)) {
    forget_credentials();
    return 1;
  }
  log_line("Note", "verifying IAM tokens for endpoint %s in %s with %zu trusted key pair(s)", endpoint_setting,
           region_setting, trusted_credential_count);
  return 0;
}

static int plugin_deinit(void *plugin)
{
  (void)plugin;
  forget_credentials();
  return 0;
}

/* The login name as the client sent it, made safe for a log line: printable ASCII only, truncated. */
static const char *printable_user_name(const MYSQL_SERVER_AUTH_INFO *info, char *out, size_t size)
{
  size_t i;
  for (i = 0; i < info->user_name_length && i < size - 1; i++) {
    char c = info->user_name[i];
    out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  out[i] = '\0';
  return out;
}

static int authenticate_with_iam_token(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info)
{
  struct rds_token_policy policy;
  char reason[RDS_TOKEN_REASON_SIZE], user_name[80];
  unsigned char *packet;
  int packet_length = vio->read_packet(vio, &packet);
  size_t token_length;

  if (packet_length < 0) return CR_ERROR;
  /* mysql_clear_password sends the password with its terminating NUL. */
  token_length = (size_t)packet_length;
  if (token_length > 0 && packet[token_length - 1] == '\0') token_length--;
  info->password_used = token_length > 0 ? PASSWORD_USED_YES : PASSWORD_USED_NO;

  policy.endpoint = endpoint_setting;
  policy.region = region_setting;
  policy.credentials = trusted_credentials;
  policy.credential_count = trusted_credential_count;
  policy.max_clock_skew_seconds = (long)max_clock_skew_setting;

  if (rds_token_verify((const char *)packet, token_length, info->user_name, info->user_name_length, &policy, time(NULL),
                       reason) != 0) {
    log_line("Warning", "access denied for '%s'@'%.*s' (thread %lu): %s",
             printable_user_name(info, user_name, sizeof(user_name)), (int)info->host_or_ip_length, info->host_or_ip,
             thd_get_thread_id(info->thd), reason);
    return CR_ERROR;
  }
  return CR_OK;
}

static struct st_mysql_auth aws_authentication_handler = {
    MYSQL_AUTHENTICATION_INTERFACE_VERSION,
    "mysql_clear_password",
    authenticate_with_iam_token,
    NULL, /* no hash_password: an account's authentication string is just a marker ('RDS') */
    NULL,
};

maria_declare_plugin(aws_authentication){
    MYSQL_AUTHENTICATION_PLUGIN,
    &aws_authentication_handler,
    PLUGIN_NAME,
    "rds-iam-mysql",
    "Verifies Amazon RDS IAM authentication tokens (SigV4, service rds-db) for local testing",
    PLUGIN_LICENSE_GPL,
    plugin_init,
    plugin_deinit,
    0x0100,
    NULL,
    plugin_settings,
    "1.0",
    MariaDB_PLUGIN_MATURITY_STABLE,
} maria_declare_plugin_end;
