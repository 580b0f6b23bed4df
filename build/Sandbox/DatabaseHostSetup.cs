using System.Net;

namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// Makes the database host stand in for RDS: PostgreSQL 15 listening on its private address, pg_hba
/// letting the sandbox subnet in with scram-sha-256, and a master user with the master password.
/// <para>
/// Without TLS, like a plain PostgreSQL with no certificate (Debian's package turns it on with a
/// self-signed "snakeoil" one that proves nothing): the suite reaches db1 only through the SSH tunnel
/// over a web host, so the hop that leaves this machine is already encrypted and authenticated, and
/// the last hop stays on the sandbox's private bridge. The client keeps Npgsql's default (TLS when the
/// server offers it), so RDS, which offers and can enforce it, is still reached over TLS; the sandbox
/// saves a TLS handshake and certificate at every login (counted twice on the web host's wire).
/// </para>
/// </summary>
public static class DatabaseHostSetup
{
    public const string Package = "postgresql-15";

    /// <summary>
    /// The script run on the host. It holds no secret: it reads the master password's SCRAM verifier
    /// (never the password) from the first line of its standard input and hands it to psql through a
    /// pipe (printf is a shell builtin), so it appears in no argument list. It prints "changed" or "ok".
    /// </summary>
    public static string Script(IPAddress address, IPNetwork subnet, string masterUser, int port) => $$"""
        set -eu
        IFS= read -r verifier
        changed=ok restart=no
        if ! dpkg-query -W -f='${Status}' {{Package}} 2>/dev/null | grep -q 'install ok installed'; then
          apt-get update -q >/dev/null
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends {{Package}} >/dev/null
          changed=changed
        fi
        conf=/etc/postgresql/15/main
        want="listen_addresses = 'localhost,{{address}}'
        port = {{port}}
        ssl = off
        password_encryption = scram-sha-256"
        if [ "$(cat $conf/conf.d/sandbox.conf 2>/dev/null)" != "$want" ]; then
          printf '%s\n' "$want" >$conf/conf.d/sandbox.conf; changed=changed restart=yes
        fi
        rule='host all all {{subnet}} scram-sha-256'
        if ! grep -qxF "$rule" $conf/pg_hba.conf; then
          printf '%s\n' "$rule" >>$conf/pg_hba.conf; changed=changed restart=yes
        fi
        if [ $restart = yes ]; then systemctl restart postgresql@15-main; fi
        for i in $(seq 100); do pg_isready -q -h {{address}} -p {{port}} && break; sleep 0.1; done
        printf '%s\n' "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{{masterUser}}') THEN CREATE ROLE \"{{masterUser}}\"; END IF; END \$\$;" \
          "ALTER ROLE \"{{masterUser}}\" WITH LOGIN CREATEDB CREATEROLE PASSWORD '$verifier';" \
          | runuser -u postgres -- psql -q -p {{port}} -v ON_ERROR_STOP=1 >/dev/null
        echo $changed
        """;
}
