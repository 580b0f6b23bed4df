using System.Net;
using System.Text;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>Answers each request with the next canned reply and keeps what was sent; nothing leaves the process.</summary>
internal sealed class CannedHandler(params (HttpStatusCode Status, string Body)[] replies) : HttpMessageHandler
{
    private int _next;

    public List<(HttpRequestMessage Request, string Body)> Sent { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sent.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
        var (status, body) = replies[Math.Min(_next++, replies.Length - 1)];
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
    }
}

public sealed class QueryClientTests
{
    // Shapes as in the RDS API reference (DescribeDBInstances, CreateDBInstance and the common error reply).
    private const string DescribeReply = """
        <DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <DescribeDBInstancesResult>
            <DBInstances>
              <DBInstance>
                <DBInstanceIdentifier>coralnet-production-db</DBInstanceIdentifier>
                <DBInstanceStatus>available</DBInstanceStatus>
                <Engine>postgres</Engine>
                <EngineVersion>15.4</EngineVersion>
                <DBInstanceClass>db.t3.micro</DBInstanceClass>
                <AllocatedStorage>20</AllocatedStorage>
                <BackupRetentionPeriod>7</BackupRetentionPeriod>
                <PubliclyAccessible>false</PubliclyAccessible>
                <DeletionProtection>true</DeletionProtection>
                <MasterUsername>coralnet_master</MasterUsername>
                <Endpoint>
                  <Address>coralnet-production-db.abcdefghijkl.us-west-2.rds.amazonaws.com</Address>
                  <Port>5432</Port>
                  <HostedZoneId>Z1PVIF0B656C1W</HostedZoneId>
                </Endpoint>
                <VpcSecurityGroups>
                  <VpcSecurityGroupMembership>
                    <VpcSecurityGroupId>sg-0123456789abcdef0</VpcSecurityGroupId>
                    <Status>active</Status>
                  </VpcSecurityGroupMembership>
                </VpcSecurityGroups>
                <TagList>
                  <Tag><Key>Project</Key><Value>coralnet</Value></Tag>
                  <Tag><Key>Environment</Key><Value>production</Value></Tag>
                </TagList>
              </DBInstance>
            </DBInstances>
          </DescribeDBInstancesResult>
          <ResponseMetadata><RequestId>9135fff3-8509-11e0-bd9b-a7b1ece36d51</RequestId></ResponseMetadata>
        </DescribeDBInstancesResponse>
        """;

    private const string CreateReply = """
        <CreateDBInstanceResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <CreateDBInstanceResult>
            <DBInstance>
              <DBInstanceIdentifier>coralnet-production-db</DBInstanceIdentifier>
              <DBInstanceStatus>creating</DBInstanceStatus>
              <Engine>postgres</Engine>
              <EngineVersion>15</EngineVersion>
              <DBInstanceClass>db.t3.micro</DBInstanceClass>
              <AllocatedStorage>20</AllocatedStorage>
              <BackupRetentionPeriod>7</BackupRetentionPeriod>
              <PubliclyAccessible>false</PubliclyAccessible>
              <DeletionProtection>true</DeletionProtection>
            </DBInstance>
          </CreateDBInstanceResult>
          <ResponseMetadata><RequestId>523e3218-afc7-11c3-90f5-f90431260ab4</RequestId></ResponseMetadata>
        </CreateDBInstanceResponse>
        """;

    private static string Error(string code, string message) => $"""
        <ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
          <RequestId>5e5b3c3a-1111-2222-3333-444455556666</RequestId>
        </ErrorResponse>
        """;

    private List<string> _trace = [];
    private List<TimeSpan> _delays = [];

    [SetUp]
    public void SetUp()
    {
        _trace = [];
        _delays = [];
    }

    private RdsClient Rds(CannedHandler handler) => new(new QueryClient(
        new HttpClient(handler),
        new Uri("https://rds.us-west-2.amazonaws.com/"),
        "us-west-2",
        "rds",
        RdsClient.ApiVersion,
        new QueryClientOptions(
            _ => Task.FromResult(new AwsSigningCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null)),
            () => new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc),
            (delay, _) =>
            {
                _delays.Add(delay);
                return Task.CompletedTask;
            },
            _trace.Add)));

    [Test]
    public void The_signature_reproduces_AWS_s_get_vanilla_test_vector()
    {
        var authorization = SigV4.Authorization(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "us-east-1",
            "service",
            new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc),
            "GET",
            new Uri("https://example.amazonaws.com/"),
            new Dictionary<string, string> { ["Host"] = "example.amazonaws.com", ["X-Amz-Date"] = "20150830T123600Z" },
            []);

        Assert.That(authorization, Is.EqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
    }

    [Test]
    public async Task DescribeDBInstances_is_a_signed_form_post_and_its_reply_is_read()
    {
        var handler = new CannedHandler((HttpStatusCode.OK, DescribeReply));
        var instance = await Rds(handler).DescribeDbInstanceAsync("coralnet-production-db", CancellationToken.None);

        Assert.That(instance, Is.Not.Null);
        Assert.That(instance!.Status, Is.EqualTo("available"));
        Assert.That((instance.EndpointAddress, instance.EndpointPort), Is.EqualTo(("coralnet-production-db.abcdefghijkl.us-west-2.rds.amazonaws.com", (int?)5432)));
        Assert.That((instance.PubliclyAccessible, instance.DeletionProtection, instance.BackupRetentionPeriod), Is.EqualTo((false, true, 7)));
        Assert.That(instance.VpcSecurityGroupIds, Is.EqualTo(new[] { "sg-0123456789abcdef0" }));
        Assert.That(instance.Tags, Does.ContainKey("Environment").WithValue("production"));

        var (request, body) = handler.Sent.Single();
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(body, Is.EqualTo("Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier=coralnet-production-db"));
        Assert.That(request.Content!.Headers.ContentType!.MediaType, Is.EqualTo("application/x-www-form-urlencoded"));
        Assert.That(request.Headers.GetValues("X-Amz-Date").Single(), Is.EqualTo("20150830T123600Z"));
        Assert.That(request.Headers.GetValues("Authorization").Single(), Does.StartWith(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/rds/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="));
    }

    [Test]
    public async Task DBInstanceNotFound_means_there_is_no_instance()
    {
        var handler = new CannedHandler((HttpStatusCode.NotFound, Error("DBInstanceNotFound", "DBInstance coralnet-production-db not found.")));

        Assert.That(await Rds(handler).DescribeDbInstanceAsync("coralnet-production-db", CancellationToken.None), Is.Null);
    }

    [Test]
    public void Other_errors_surface_AWS_s_code_and_message()
    {
        var handler = new CannedHandler((HttpStatusCode.BadRequest, Error("InvalidParameterCombination", "Cannot find version 9.9 for postgres")));

        var error = Assert.ThrowsAsync<AwsQueryException>(() => Rds(handler).DescribeDbInstanceAsync("x", CancellationToken.None));
        Assert.That(error!.Code, Is.EqualTo("InvalidParameterCombination"));
        Assert.That(error.Message, Does.Contain("Cannot find version 9.9 for postgres").And.Contain("rds DescribeDBInstances"));
        Assert.That(handler.Sent, Has.Count.EqualTo(1), "a client error is not retried");
    }

    [Test]
    public void An_HTML_error_page_is_summarised_in_one_line_naming_the_endpoint_and_settings()
    {
        const string page = "<!DOCTYPE html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>";
        var handler = new CannedHandler((HttpStatusCode.NotFound, page));

        var error = Assert.ThrowsAsync<AwsQueryException>(() => Rds(handler).DescribeDbInstanceAsync("x", CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("answered with an HTML page").And.Contain("\"404 Not Found\"").And.Contain("Aws.Endpoint").And.Contain("rds DescribeDBInstances"));
        Assert.That(error.Message, Does.Not.Contain("<"));
    }

    [Test]
    public async Task Throttling_is_retried_with_growing_backoff()
    {
        var throttled = Error("Throttling", "Rate exceeded");
        var handler = new CannedHandler((HttpStatusCode.BadRequest, throttled), (HttpStatusCode.BadRequest, throttled), (HttpStatusCode.OK, DescribeReply));

        var instance = await Rds(handler).DescribeDbInstanceAsync("coralnet-production-db", CancellationToken.None);

        Assert.That(instance!.Identifier, Is.EqualTo("coralnet-production-db"));
        Assert.That(handler.Sent, Has.Count.EqualTo(3));
        Assert.That(_delays, Has.Count.EqualTo(2));
        Assert.That(_delays[1], Is.GreaterThan(_delays[0]).And.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500)));
        Assert.That(_trace, Has.Some.Contains("Throttling, retrying"));
    }

    [Test]
    public void Throttling_gives_up_after_the_last_attempt()
    {
        var handler = new CannedHandler((HttpStatusCode.BadRequest, Error("Throttling", "Rate exceeded")));

        var error = Assert.ThrowsAsync<AwsQueryException>(() => Rds(handler).DescribeDbInstanceAsync("x", CancellationToken.None));
        Assert.That(error!.Code, Is.EqualTo("Throttling"));
        Assert.That(handler.Sent, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task CreateDBInstance_sends_the_password_to_AWS_but_never_to_the_log()
    {
        const string password = "Sup3r-Secret-Master-Password";
        var handler = new CannedHandler((HttpStatusCode.OK, CreateReply));

        var created = await Rds(handler).CreateDbInstanceAsync(new DbInstanceSpec(
            "coralnet-production-db", "db.t3.micro", "15", 20, "coralnet_master", new Secret(password), ["sg-1"], false, 7, "gp3", false, "coralnet-production-db-postgres15",
            new Dictionary<string, string> { ["Project"] = "coralnet" }), CancellationToken.None);

        Assert.That(created.Status, Is.EqualTo("creating"));
        var body = handler.Sent.Single().Body;
        Assert.That(body, Does.Contain("MasterUserPassword=Sup3r-Secret-Master-Password"));
        Assert.That(body, Does.Contain("PubliclyAccessible=false").And.Contain("DeletionProtection=true").And.Contain("BackupRetentionPeriod=7")
            .And.Contain("VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1").And.Contain("Tags.Tag.1.Key=Project").And.Contain("Engine=postgres")
            .And.Contain("StorageType=gp3").And.Contain("CopyTagsToSnapshot=true").And.Contain("MultiAZ=false").And.Contain("DBParameterGroupName=coralnet-production-db-postgres15"));
        Assert.That(_trace, Has.Some.Contains("MasterUserPassword=***"));
        Assert.That(_trace, Has.None.Contains(password));
    }
}
