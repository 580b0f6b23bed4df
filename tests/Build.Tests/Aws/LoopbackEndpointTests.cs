using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>
/// One HTTP endpoint on 127.0.0.1 standing in for AWS, as --aws-endpoint=URL names one: it records
/// each request as it arrived on the wire and answers with a canned reply chosen by the request.
/// </summary>
internal sealed class LoopbackEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<Received, (HttpStatusCode Status, string ContentType, string Body)> _reply;
    private readonly Task _serving;

    public LoopbackEndpoint(Func<Received, (HttpStatusCode, string, string)> reply)
    {
        _reply = reply;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public sealed record Received(string Method, string Path, Dictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        /// <summary>The form body's fields, decoded.</summary>
        public Dictionary<string, string> Form => Text.Split('&').Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair[1]));
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public List<Received> Requests { get; } = [];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var received = new Received(
                context.Request.HttpMethod,
                context.Request.Url!.AbsolutePath,
                context.Request.Headers.AllKeys.ToDictionary(key => key!.ToLowerInvariant(), key => context.Request.Headers[key]!),
                body.ToArray());
            lock (Requests)
            {
                Requests.Add(received);
            }

            var (status, contentType, text) = _reply(received);
            var bytes = Encoding.UTF8.GetBytes(text);
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}

public sealed class LoopbackEndpointTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    // Reply shapes from the RDS and IAM API references (DescribeDBInstances, ModifyDBInstance, GetRole, the error reply).
    private const string DescribeReply = """
        <DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <DescribeDBInstancesResult><DBInstances><DBInstance>
            <DBInstanceIdentifier>coralnet-production-db</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>
            <Engine>postgres</Engine><EngineVersion>15.4</EngineVersion><DBInstanceClass>db.t3.micro</DBInstanceClass>
            <AllocatedStorage>20</AllocatedStorage><BackupRetentionPeriod>7</BackupRetentionPeriod>
            <PubliclyAccessible>false</PubliclyAccessible><DeletionProtection>true</DeletionProtection>
            <Endpoint><Address>coralnet-production-db.abcdefghijkl.us-west-2.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>
          </DBInstance></DBInstances></DescribeDBInstancesResult>
          <ResponseMetadata><RequestId>9135fff3-8509-11e0-bd9b-a7b1ece36d51</RequestId></ResponseMetadata>
        </DescribeDBInstancesResponse>
        """;

    private const string ModifyReply = """
        <ModifyDBInstanceResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <ModifyDBInstanceResult><DBInstance>
            <DBInstanceIdentifier>coralnet-production-db</DBInstanceIdentifier><DBInstanceStatus>upgrading</DBInstanceStatus>
            <Engine>postgres</Engine><EngineVersion>15.4</EngineVersion><DBInstanceClass>db.t3.micro</DBInstanceClass>
          </DBInstance></ModifyDBInstanceResult>
          <ResponseMetadata><RequestId>f643f1ac-bbfe-11e3-f4c6-37db295f7674</RequestId></ResponseMetadata>
        </ModifyDBInstanceResponse>
        """;

    private const string NoSuchRole = """
        <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name coralnet-production-web cannot be found.</Message></Error>
          <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
        </ErrorResponse>
        """;

    private static AwsSettings Settings(string endpoint) => new() { Region = "us-west-2", Endpoint = endpoint };

    private static (HttpStatusCode, string, string) Answer(LoopbackEndpoint.Received request)
    {
        if (request.Headers.TryGetValue("x-amz-target", out var target))
        {
            // SSM speaks JSON 1.1: the operation is in X-Amz-Target.
            return target == "AmazonSSM.GetParameter" && request.Text.Contains("\"/coralnet/missing\"")
                ? (HttpStatusCode.BadRequest, "application/x-amz-json-1.1", """{"__type":"ParameterNotFound","message":""}""")
                : (HttpStatusCode.OK, "application/x-amz-json-1.1",
                    """{"Parameter":{"Name":"/coralnet/master","Type":"SecureString","Value":"decrypted-master-value","Version":3,"DataType":"text"}}""");
        }

        return request.Form["Action"] switch
        {
            "DescribeDBInstances" => (HttpStatusCode.OK, "text/xml", DescribeReply),
            "ModifyDBInstance" => (HttpStatusCode.OK, "text/xml", ModifyReply),
            _ => (HttpStatusCode.NotFound, "text/xml", NoSuchRole),
        };
    }

    [Test]
    public async Task RDS_and_IAM_calls_go_to_the_endpoint_signed_over_what_arrives()
    {
        using var endpoint = new LoopbackEndpoint(Answer);
        var log = new ListLog();
        using var services = new AwsClientFactory(new BasicAWSCredentials(AccessKey, SecretKey)).Connect(Settings(endpoint.Url), log);

        var database = await services.Rds.DescribeDbInstanceAsync("coralnet-production-db", CancellationToken.None);
        var modified = await services.Rds.ModifyDbInstanceAsync("coralnet-production-db", new DbInstanceChanges(EngineVersion: "16", AllowMajorVersionUpgrade: true, ApplyImmediately: true), CancellationToken.None);
        var role = await services.Iam.GetRoleAsync("coralnet-production-web", CancellationToken.None);

        Assert.That((database!.EndpointAddress, database.EndpointPort), Is.EqualTo(("coralnet-production-db.abcdefghijkl.us-west-2.rds.amazonaws.com", (int?)5432)));
        Assert.That(modified.Status, Is.EqualTo("upgrading"));
        Assert.That(role, Is.Null, "NoSuchEntity means no role");
        Assert.That(endpoint.Requests.Select(r => (r.Method, r.Path, r.Form["Action"], r.Form["Version"])), Is.EqualTo(new[]
        {
            ("POST", "/", "DescribeDBInstances", "2014-10-31"),
            ("POST", "/", "ModifyDBInstance", "2014-10-31"),
            ("POST", "/", "GetRole", "2010-05-08"),
        }));
        var modify = endpoint.Requests[1].Form;
        Assert.That((modify["DBInstanceIdentifier"], modify["EngineVersion"], modify["AllowMajorVersionUpgrade"], modify["ApplyImmediately"]), Is.EqualTo(("coralnet-production-db", "16", "true", "true")));
        Assert.That(modify, Does.Not.ContainKey("DBInstanceClass"), "only what changes is sent");

        foreach (var (request, service) in endpoint.Requests.Zip(new[] { "rds", "rds", "iam" }))
        {
            Assert.That(request.Headers["host"], Is.EqualTo($"127.0.0.1:{endpoint.Port}"));
            Assert.That(request.Headers["content-type"], Is.EqualTo("application/x-www-form-urlencoded; charset=utf-8"));
            var date = request.Headers["x-amz-date"];
            var authorization = request.Headers["authorization"];
            Assert.That(authorization, Does.StartWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/{date[..8]}/us-west-2/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="));
            // The server's side of SigV4: the same signature computed again from the request as received.
            var signedAt = DateTime.ParseExact(date, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            var expected = SigV4.Authorization(AccessKey, SecretKey, "us-west-2", service, signedAt, "POST", new Uri(endpoint.Url + request.Path),
                new Dictionary<string, string> { ["content-type"] = request.Headers["content-type"], ["host"] = request.Headers["host"], ["x-amz-date"] = date },
                request.Body);
            Assert.That(authorization, Is.EqualTo(expected));
        }

        Assert.That(log.Lines, Has.Some.Contains("rds ModifyDBInstance DBInstanceIdentifier=coralnet-production-db EngineVersion=16"));
    }

    [Test]
    public async Task SSM_secrets_are_read_from_the_endpoint_decrypted_and_errors_name_the_parameter()
    {
        using var endpoint = new LoopbackEndpoint(Answer);
        var factory = new AwsClientFactory(new BasicAWSCredentials(AccessKey, SecretKey));

        using var parameters = new SsmSecureParameters(factory.Ssm(Settings(endpoint.Url)));
        var value = await parameters.GetAsync("/coralnet/master", CancellationToken.None);
        var missing = Assert.ThrowsAsync<SecretUnavailableException>(() => parameters.GetAsync("/coralnet/missing", CancellationToken.None));

        Assert.That(value, Is.EqualTo("decrypted-master-value"));
        Assert.That(missing!.Message, Does.StartWith("SSM has no parameter /coralnet/missing"));
        var request = endpoint.Requests[0];
        Assert.That(request.Headers["x-amz-target"], Is.EqualTo("AmazonSSM.GetParameter"));
        Assert.That(request.Text, Does.Contain("\"WithDecryption\":true").And.Contain("\"Name\":\"/coralnet/master\""));
        Assert.That(request.Headers["authorization"], Does.Contain("/us-west-2/ssm/aws4_request"));
    }
}
