/*
 * AWSAuthenticationPlugin for Oracle MySQL: the same plugin as ../mariadb/, declared through MySQL's plugin API.
 * MySQL's server plugin headers compile only as C++, so this shim is C++; the login check is the shared C code in
 * ../iam_login.c, so both engines accept and refuse exactly the same tokens. Accounts use it as on RDS:
 *   CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';
 * Settings: the same --awsauthenticationplugin-* options as the MariaDB plugin.
 */
#include <mysql/plugin_auth.h>

#include <cstring>

#include "../iam_login.h"

#define IAM_LOGIN_SYS_VAR SYS_VAR
#include "../iam_login_server_settings.h"

static int plugin_init(MYSQL_PLUGIN) { return iam_login_init(); }

static int plugin_deinit(MYSQL_PLUGIN)
{
  iam_login_deinit();
  return 0;
}

static int authenticate_with_iam_token(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info)
{
  unsigned char *packet = nullptr;
  const int packet_length = vio->read_packet(vio, &packet);
  if (packet_length < 0) return CR_ERROR;
  // MySQL hands an authentication plugin no session handle, so there is no connection id to log.
  const iam_login_attempt attempt = {info->user_name, info->user_name_length, info->host_or_ip, info->host_or_ip_length,
                                     0};
  int password_given = 0;
  const int refused = iam_login_check(packet, static_cast<size_t>(packet_length), &attempt, &password_given);
  info->password_used = password_given ? PASSWORD_USED_YES : PASSWORD_USED_NO;
  return refused ? CR_ERROR : CR_OK;
}

/* An account's authentication string is only a marker ('RDS'): stored as given, never checked against a password. */
static int store_authentication_string(char *out, unsigned int *out_length, const char *in, unsigned int in_length)
{
  if (*out_length < in_length) return 1;
  std::memcpy(out, in, in_length);
  *out_length = in_length;
  return 0;
}

static int accept_authentication_string(char *const, unsigned int) { return 0; }

static int no_salt(const char *, unsigned int, unsigned char *, unsigned char *salt_length)
{
  *salt_length = 0;
  return 0;
}

static st_mysql_auth aws_authentication_handler = {
    MYSQL_AUTHENTICATION_INTERFACE_VERSION,
    "mysql_clear_password",
    authenticate_with_iam_token,
    store_authentication_string,
    accept_authentication_string,
    no_salt,
    0,       /* no flags: the plugin keeps no password hash of its own */
    nullptr, /* no password to compare with a hash */
};

mysql_declare_plugin(aws_authentication){
    MYSQL_AUTHENTICATION_PLUGIN,
    &aws_authentication_handler,
    IAM_LOGIN_PLUGIN_NAME,
    "rds-iam-mysql",
    "Verifies Amazon RDS IAM authentication tokens (SigV4, service rds-db) for local testing",
    PLUGIN_LICENSE_GPL,
    plugin_init,
    nullptr, /* no check_uninstall */
    plugin_deinit,
    0x0100,
    nullptr, /* no status variables */
    plugin_settings,
    nullptr,
    0,
} mysql_declare_plugin_end;
