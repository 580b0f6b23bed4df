namespace CoralNet.Deploy.Settings;

/// <summary>Where an environment's hosts come from: the local sandbox, or AWS.</summary>
public enum ProviderKind
{
    Sandbox,
    Aws,
}

/// <summary>How the site runs on its web hosts.</summary>
public enum SiteRuntime
{
    /// <summary>A venv and socket-activated gunicorn units on the host itself.</summary>
    Host,

    /// <summary>The site shipped as an image (BuildImage, PushImage); its cutover on the hosts is not built yet.</summary>
    Container,
}

/// <summary>A container engine: the one that builds the site's image on this machine (Container.Engine), or the one that runs it on the web hosts (Container.HostEngine).</summary>
public enum ContainerEngine
{
    /// <summary>Podman: on this machine serving the Docker API on a socket of the checkout's own, with the checkout's own configuration and storage; on a web host Debian's podman.</summary>
    Podman,

    /// <summary>Docker: on this machine an engine that already runs, where DOCKER_HOST (or docker's default socket) points; on a web host Debian's docker.io.</summary>
    Docker,
}

/// <summary>
/// Everything a run needs to know about one environment, read from environments/NAME.json and
/// overridable key by key (Section_Key) from cake.config, CAKE_* variables and arguments.
/// </summary>
public sealed class DeploySettings
{
    /// <summary>The environment's name: the settings file it was read from.</summary>
    [NotASetting]
    public string Environment { get; set; } = "";

    public ProviderKind Provider { get; set; }
    public SiteSettings Site { get; set; } = new();
    public TlsSettings Tls { get; set; } = new();
    public HostSettings Host { get; set; } = new();
    public SshSettings Ssh { get; set; } = new();
    public SandboxSettings Sandbox { get; set; } = new();
    public DatabaseSettings Database { get; set; } = new();
    public AwsSettings Aws { get; set; } = new();
    public ContainerSettings Container { get; set; } = new();
    public List<PersonSettings> People { get; set; } = [];
    public TimeoutSettings Timeouts { get; set; } = new();
    public RollSettings Roll { get; set; } = new();
}

public sealed class SiteSettings
{
    /// <summary>The site's folder under <see cref="Root"/>, and its nginx and systemd names.</summary>
    public string Name { get; set; } = "coralnet";
    public string Domain { get; set; } = "";
    /// <summary>Further names the site answers to (www.example.org...), on the same certificate as <see cref="Domain"/>.</summary>
    public List<string> ExtraDomains { get; set; } = [];
    /// <summary>The Django project to deploy, relative to the repository root.</summary>
    public string Source { get; set; } = "samples/site";
    public string Root { get; set; } = "/srv/www";
    public int Workers { get; set; } = 3;
    public int GunicornTimeoutSeconds { get; set; } = 604810;
    public int KeepReleases { get; set; } = 5;
    public bool RunMigrations { get; set; } = true;
    public int ClientMaxBodySizeMegabytes { get; set; } = 50;
    /// <summary>Debian packages the site needs beyond the standard set.</summary>
    public List<string> ExtraPackages { get; set; } = [];
    public SecretReference SecretKey { get; set; } = SecretReference.None;
    /// <summary>The first of the two loopback ports of the gunicorn instances (blue/green: this one and the next).</summary>
    public int GunicornPort { get; set; } = 8001;
    public SiteRuntime Runtime { get; set; } = SiteRuntime.Host;
}

/// <summary>How nginx gets the site's certificate: from an ACME CA through certbot on the host, from files given, or not at all.</summary>
public enum TlsMode
{
    Acme,
    Files,
    Off,
}

public sealed class TlsSettings
{
    /// <summary>Let's Encrypt's production directory.</summary>
    public const string LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory";

    public TlsMode Mode { get; set; } = TlsMode.Acme;
    /// <summary>The ACME directory certbot asks (Let's Encrypt's staging directory for rehearsals).</summary>
    public string AcmeDirectory { get; set; } = LetsEncrypt;
    /// <summary>A PEM file (relative to the repository) of the CA that signed the ACME directory's own certificate, when the host does not trust it already (a test CA); empty for public CAs.</summary>
    public string AcmeCaBundle { get; set; } = "";
    /// <summary>The ACME account's contact address (expiry warnings); empty registers without one.</summary>
    public string Email { get; set; } = "";
    /// <summary>Strict-Transport-Security max-age; 0 sends no HSTS header.</summary>
    public int HstsMaxAgeSeconds { get; set; } = 63072000;
    /// <summary>Files mode: the certificate chain, leaf first, a PEM file relative to the repository.</summary>
    public string CertificateChain { get; set; } = "";
    /// <summary>Files mode: the certificate's private key (PEM), a secret: env:VARIABLE or ssm:/path.</summary>
    public SecretReference CertificateKey { get; set; } = SecretReference.None;
}

public sealed class HostSettings
{
    /// <summary>
    /// Lets a run reboot a web host that asks for it (/var/run/reboot-required), under the deploy lock;
    /// off by default: a pending reboot is only reported. The --allow-reboot switch does the same for one run.
    /// </summary>
    public bool AllowReboot { get; set; }
}

public sealed class SshSettings
{
    public string User { get; set; } = "root";
    public int Port { get; set; } = 22;
    /// <summary>OpenSSH private key file (ed25519 or RSA).</summary>
    public string PrivateKey { get; set; } = "";
    /// <summary>Name of the environment variable holding the key's passphrase, if it has one.</summary>
    public string PassphraseVariable { get; set; } = "";
    public string KnownHosts { get; set; } = "";
    /// <summary>Accept and record the key of a host never seen before. A changed key is refused regardless.</summary>
    public bool TrustOnFirstUse { get; set; }
    public int KeepAliveSeconds { get; set; } = 15;
}

public sealed class ContainerSettings
{
    /// <summary>The engine that builds the site's image on this machine.</summary>
    public ContainerEngine Engine { get; set; } = ContainerEngine.Podman;
    /// <summary>The engine that runs the site's containers on the web hosts (Site.Runtime container), installed there by InstallContainerEngine.</summary>
    public ContainerEngine HostEngine { get; set; } = ContainerEngine.Podman;
    /// <summary>
    /// The registry the site's image is pushed to, HOST:PORT, spoken to over plain HTTP; on 127.0.0.1 or the
    /// sandbox bridge the suite runs it itself. Empty: see <see cref="ContainerRegistryDefault"/>.
    /// </summary>
    public string Registry { get; set; } = "";
    /// <summary>On AWS, how many images the ECR repository's lifecycle policy keeps (the newest; older ones expire).</summary>
    public int KeepImages { get; set; } = 10;
}

public sealed class SandboxSettings
{
    public List<string> WebHosts { get; set; } = ["web1"];
    public string DatabaseHost { get; set; } = "db1";
    /// <summary>A host running HAProxy in front of the web hosts (e.g. lb1): the site's traffic enters there, and deploys roll through the web hosts; empty: none.</summary>
    public string LoadBalancer { get; set; } = "";
    /// <summary>The private /24 of the sandbox bridge; the bridge takes .1, hosts follow.</summary>
    public string Subnet { get; set; } = "10.213.0.0/24";
    /// <summary>Where the sandbox keeps its base image, keys and host roots, relative to the repository root.</summary>
    public string StateDirectory { get; set; } = ".sandbox";
}

public sealed class DatabaseSettings
{
    public string Name { get; set; } = "coralnet";
    public string User { get; set; } = "django";
    public SecretReference Password { get; set; } = SecretReference.None;
    public string MasterUser { get; set; } = "postgres";
    public SecretReference MasterPassword { get; set; } = SecretReference.None;
    public int Port { get; set; } = 5432;
}

public sealed class AwsSettings
{
    public string Region { get; set; } = "";
    /// <summary>Send every AWS call to this endpoint (an API emulator); empty for AWS itself.</summary>
    public string Endpoint { get; set; } = "";
    public string InstanceType { get; set; } = "t3.small";
    /// <summary>Empty: Debian 12's current official image (its SSM public parameter, else Debian's newest by DescribeImages).</summary>
    public string Ami { get; set; } = "";
    public string KeyName { get; set; } = "";
    /// <summary>The operator's OpenSSH public key file, imported as the EC2 key pair.</summary>
    public string PublicKey { get; set; } = "";
    /// <summary>Addresses allowed to reach SSH, in CIDR form.</summary>
    public List<string> OperatorCidrs { get; set; } = [];
    /// <summary>Allows OperatorCidrs wider than /16 (IPv6 /48), /0 included; off by default.</summary>
    public bool AllowSshFromAnywhere { get; set; }
    public int RootVolumeGigabytes { get; set; } = 30;
    public string DatabaseInstanceClass { get; set; } = "db.t3.micro";
    public string DatabaseEngineVersion { get; set; } = "15";
    public int DatabaseStorageGigabytes { get; set; } = 20;
    public int DatabaseBackupRetentionDays { get; set; } = 7;
    /// <summary>The database's storage type: gp3 (the current general purpose SSD) by default.</summary>
    public string DatabaseStorageType { get; set; } = "gp3";
    /// <summary>A standby in a second availability zone (about twice the cost); off by default.</summary>
    public bool DatabaseMultiAz { get; set; }
    /// <summary>The manual setup made the database public; offered only on explicit request.</summary>
    public bool DatabasePubliclyAccessible { get; set; }
    public string BucketName { get; set; } = "";
    /// <summary>The manual setup's public-read-by-Referer bucket policy; off by default (a Referer can be forged).</summary>
    public bool BucketRefererPolicy { get; set; }
    /// <summary>Keeps every version of the bucket's objects (on by default); turning it off suspends it, as S3 cannot undo it.</summary>
    public bool BucketVersioning { get; set; } = true;
    public int PresignedUrlExpirySeconds { get; set; } = 3600;
    /// <summary>Lets Provision stop and start the web instance to change its type (minutes offline); off by default.</summary>
    public bool AllowInstanceRestart { get; set; }
    /// <summary>How many web instances serve the site (named -web, -web-2, -web-3, ...); more than one needs LoadBalancer.</summary>
    public int WebInstances { get; set; } = 1;
    /// <summary>An Application Load Balancer in front of the web instance (HTTPS ends there); off by default, as it costs by the hour.</summary>
    public bool LoadBalancer { get; set; }
    /// <summary>The ACM certificate of the load balancer's 443 listener, by ARN; required with LoadBalancer.</summary>
    public string CertificateArn { get; set; } = "";
    /// <summary>How long the load balancer lets a deregistered instance finish its requests.</summary>
    public int DeregistrationDelaySeconds { get; set; } = 30;
}

public sealed class PersonSettings
{
    public string Login { get; set; } = "";
    public List<string> Keys { get; set; } = [];
}

public sealed class TimeoutSettings
{
    public int ConnectSeconds { get; set; } = 10;
    public int CommandSeconds { get; set; } = 900;
    public int HealthCheckSeconds { get; set; } = 60;
    public int AwsWaitSeconds { get; set; } = 1200;
    /// <summary>How long a host may take to come back after a reboot.</summary>
    public int RebootSeconds { get; set; } = 300;
    /// <summary>How long a rolling deploy waits for a drained web host's requests to finish at the sandbox's load balancer.</summary>
    public int DrainSeconds { get; set; } = 30;
    /// <summary>How long a rolling deploy waits for the load balancer to report a re-enabled web host healthy.</summary>
    public int LoadBalancerHealthySeconds { get; set; } = 60;
}

/// <summary>How a deploy rolls through several web hosts behind a load balancer.</summary>
public sealed class RollSettings
{
    /// <summary>When a batch fails, the batches before it keep the new release (the site then serves two releases) instead of going back; off by default.</summary>
    public bool KeepDoneBatches { get; set; }
}

/// <summary>The property is computed, not read from the settings file.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotASettingAttribute : Attribute;
