/*
 * The plugin's server settings, declared once for both shims: included by each after its server's plugin header
 * (which defines the MYSQL_SYSVAR_* macros) with IAM_LOGIN_SYS_VAR naming that server's type of a setting
 * (MariaDB: struct st_mysql_sys_var, MySQL: SYS_VAR). Defines `plugin_settings`, the list the plugin declares.
 * The values land in iam_login_settings (../iam_login.h), which the shared check reads.
 */
#ifndef IAM_LOGIN_SERVER_SETTINGS_H
#define IAM_LOGIN_SERVER_SETTINGS_H

#ifndef IAM_LOGIN_SYS_VAR
#error "define IAM_LOGIN_SYS_VAR as the server's setting type before including iam_login_server_settings.h"
#endif

static MYSQL_SYSVAR_STR(endpoint, iam_login_settings.endpoint, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "host:port that IAM tokens must be signed for: the endpoint this server stands in for", NULL,
                        NULL, NULL);
static MYSQL_SYSVAR_STR(region, iam_login_settings.region, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "AWS region of the credential scope tokens must be signed in", NULL, NULL,
                        IAM_LOGIN_DEFAULT_REGION);
static MYSQL_SYSVAR_STR(credentials_file, iam_login_settings.credentials_file,
                        PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "File of trusted key pairs, one per line: <access key id> <secret access key> [<session token>]",
                        NULL, NULL, NULL);
static MYSQL_SYSVAR_UINT(max_clock_skew, iam_login_settings.max_clock_skew, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                         "Seconds a token's X-Amz-Date may be ahead of this server's clock", NULL, NULL,
                         IAM_LOGIN_DEFAULT_MAX_CLOCK_SKEW, 0, IAM_LOGIN_MAX_CLOCK_SKEW_LIMIT, 1);

static IAM_LOGIN_SYS_VAR *plugin_settings[] = {MYSQL_SYSVAR(endpoint), MYSQL_SYSVAR(region),
                                               MYSQL_SYSVAR(credentials_file), MYSQL_SYSVAR(max_clock_skew), NULL};

#endif
