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
 * The check itself is ../iam_login.c, shared with the MySQL shim.
 */
#include <mysql/plugin_auth.h>

#include "../iam_login.h"

#define IAM_LOGIN_SYS_VAR struct st_mysql_sys_var
#include "../iam_login_server_settings.h"

static int plugin_init(void *plugin)
{
  (void)plugin;
  return iam_login_init();
}

static int plugin_deinit(void *plugin)
{
  (void)plugin;
  iam_login_deinit();
  return 0;
}

static int authenticate_with_iam_token(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info)
{
  unsigned char *packet;
  int packet_length = vio->read_packet(vio, &packet);
  int password_given = 0;
  struct iam_login_attempt attempt;

  if (packet_length < 0) return CR_ERROR;
  attempt.user = info->user_name;
  attempt.user_length = info->user_name_length;
  attempt.host = info->host_or_ip;
  attempt.host_length = info->host_or_ip_length;
  attempt.thread_id = thd_get_thread_id(info->thd);
  int refused = iam_login_check(packet, (size_t)packet_length, &attempt, &password_given);
  info->password_used = password_given ? PASSWORD_USED_YES : PASSWORD_USED_NO;
  return refused ? CR_ERROR : CR_OK;
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
    IAM_LOGIN_PLUGIN_NAME,
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
