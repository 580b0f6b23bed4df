using System.Net;
using System.Text.Json.Nodes;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>The ECR calls as AWS's JSON 1.1 protocol renders them (shapes as in the ECR API reference), and their replies read.</summary>
public sealed class EcrClientTests
{
    private readonly List<string> _trace = [];

    private EcrClient Ecr(CannedHandler handler) => new(new JsonClient(
        new SignedPost(
            new HttpClient(handler),
            new Uri("https://api.ecr.us-west-2.amazonaws.com/"),
            "us-west-2",
            "ecr",
            new QueryClientOptions(
                _ => Task.FromResult(new AwsSigningCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")),
                () => new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc),
                (_, _) => Task.CompletedTask,
                _trace.Add)),
        EcrClient.TargetPrefix));

    private const string Repository = """
        {"repositoryArn":"arn:aws:ecr:us-west-2:123456789012:repository/coralnet-production","registryId":"123456789012",
         "repositoryName":"coralnet-production","repositoryUri":"123456789012.dkr.ecr.us-west-2.amazonaws.com/coralnet-production",
         "imageTagMutability":"IMMUTABLE","imageScanningConfiguration":{"scanOnPush":true}}
        """;

    [Test]
    public async Task CreateRepository_is_a_signed_JSON_post_naming_its_operation_in_X_Amz_Target()
    {
        var handler = new CannedHandler((HttpStatusCode.OK, $$"""{"repository":{{Repository}}}"""));

        var created = await Ecr(handler).CreateRepositoryAsync(
            new EcrRepositorySpec("coralnet-production", "IMMUTABLE", true, new Dictionary<string, string> { ["Project"] = "coralnet", ["Name"] = "coralnet-production" }),
            CancellationToken.None);

        Assert.That(created, Is.EqualTo(new EcrRepository("coralnet-production", "arn:aws:ecr:us-west-2:123456789012:repository/coralnet-production",
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/coralnet-production", "IMMUTABLE", true)));
        var (request, body) = handler.Sent.Single();
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.RequestUri, Is.EqualTo(new Uri("https://api.ecr.us-west-2.amazonaws.com/")));
        Assert.That(request.Content!.Headers.ContentType!.MediaType, Is.EqualTo("application/x-amz-json-1.1"));
        Assert.That(request.Headers.GetValues("X-Amz-Target").Single(), Is.EqualTo("AmazonEC2ContainerRegistry_V20150921.CreateRepository"));
        Assert.That(request.Headers.GetValues("X-Amz-Security-Token").Single(), Is.EqualTo("session-token"));
        Assert.That(request.Headers.GetValues("Authorization").Single(), Does.StartWith(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/ecr/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="));
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(body), JsonNode.Parse("""
            {"repositoryName":"coralnet-production","imageTagMutability":"IMMUTABLE","imageScanningConfiguration":{"scanOnPush":true},
             "tags":[{"Key":"Project","Value":"coralnet"},{"Key":"Name","Value":"coralnet-production"}]}
            """)), Is.True, body);
    }

    [Test]
    public async Task The_lifecycle_and_tag_settings_calls_render_their_bodies()
    {
        var handler = new CannedHandler((HttpStatusCode.OK, "{}"));
        var ecr = Ecr(handler);

        await ecr.PutLifecyclePolicyAsync("coralnet-production", """{"rules":[]}""", CancellationToken.None);
        await ecr.PutTagMutabilityAsync("coralnet-production", "IMMUTABLE", CancellationToken.None);
        await ecr.PutScanOnPushAsync("coralnet-production", true, CancellationToken.None);
        await ecr.TagAsync("arn:aws:ecr:us-west-2:123456789012:repository/coralnet-production", new Dictionary<string, string> { ["Name"] = "coralnet-production" }, CancellationToken.None);

        Assert.That(handler.Sent.Select(sent => sent.Request.Headers.GetValues("X-Amz-Target").Single()[(EcrClient.TargetPrefix.Length + 1)..]),
            Is.EqualTo(new[] { "PutLifecyclePolicy", "PutImageTagMutability", "PutImageScanningConfiguration", "TagResource" }));
        Assert.That(handler.Sent.Select(sent => sent.Body), Is.EqualTo(new[]
        {
            """{"repositoryName":"coralnet-production","lifecyclePolicyText":"{\u0022rules\u0022:[]}"}""",
            """{"repositoryName":"coralnet-production","imageTagMutability":"IMMUTABLE"}""",
            """{"repositoryName":"coralnet-production","imageScanningConfiguration":{"scanOnPush":true}}""",
            """{"resourceArn":"arn:aws:ecr:us-west-2:123456789012:repository/coralnet-production","tags":[{"Key":"Name","Value":"coralnet-production"}]}""",
        }));
    }

    [Test]
    public async Task A_missing_repository_or_lifecycle_policy_is_none_and_other_errors_keep_ECR_s_code_and_message()
    {
        var missing = new CannedHandler(
            (HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"The repository with name 'x' does not exist"}"""),
            (HttpStatusCode.BadRequest, """{"__type":"LifecyclePolicyNotFoundException","message":"Lifecycle policy does not exist"}"""));
        Assert.That(await Ecr(missing).DescribeRepositoryAsync("x", CancellationToken.None), Is.Null);
        Assert.That(await Ecr(missing).GetLifecyclePolicyAsync("x", CancellationToken.None), Is.Null);
        Assert.That(missing.Sent[0].Body, Is.EqualTo("""{"repositoryNames":["x"]}"""));

        var denied = new CannedHandler((HttpStatusCode.BadRequest, """{"__type":"AccessDeniedException","message":"not authorized to perform: ecr:CreateRepository"}"""));
        var error = Assert.ThrowsAsync<AwsQueryException>(() => Ecr(denied).DescribeRepositoryAsync("x", CancellationToken.None));
        Assert.That(error!.Code, Is.EqualTo("AccessDeniedException"));
        Assert.That(error.Message, Does.Contain("ecr DescribeRepositories failed: AccessDeniedException: not authorized"));
        Assert.That(denied.Sent, Has.Count.EqualTo(1), "a client error is not retried");
    }

    [Test]
    public async Task Throttling_is_retried_as_for_the_Query_protocol()
    {
        var throttled = """{"__type":"ThrottlingException","message":"Rate exceeded"}""";
        var handler = new CannedHandler((HttpStatusCode.BadRequest, throttled), (HttpStatusCode.OK, $$"""{"repositories":[{{Repository}}]}"""));

        var repository = await Ecr(handler).DescribeRepositoryAsync("coralnet-production", CancellationToken.None);

        Assert.That(repository!.Uri, Is.EqualTo("123456789012.dkr.ecr.us-west-2.amazonaws.com/coralnet-production"));
        Assert.That(handler.Sent, Has.Count.EqualTo(2));
        Assert.That(_trace, Has.Some.Contains("ThrottlingException, retrying"));
    }

    [Test]
    public async Task The_authorization_token_is_decoded_and_its_password_kept_before_anything_sees_it()
    {
        var token = Convert.ToBase64String("AWS:the-registry-password-123"u8.ToArray());
        var handler = new CannedHandler((HttpStatusCode.OK,
            $$"""{"authorizationData":[{"authorizationToken":"{{token}}","expiresAt":1.7E9,"proxyEndpoint":"https://123456789012.dkr.ecr.us-west-2.amazonaws.com"}]}"""));
        var kept = new List<string>();

        var login = await Ecr(handler).GetLoginAsync(value =>
        {
            kept.Add(value);
            return new Secret(value);
        }, CancellationToken.None);

        Assert.That((login.Address, login.User, login.Password.Reveal()), Is.EqualTo(("123456789012.dkr.ecr.us-west-2.amazonaws.com", "AWS", "the-registry-password-123")));
        Assert.That(kept, Is.EqualTo(new[] { "the-registry-password-123" }));
        Assert.That(handler.Sent.Single().Body, Is.EqualTo("{}"));
        Assert.That(login.ToString(), Does.Not.Contain("the-registry-password-123"));
        Assert.That(string.Join('\n', _trace), Does.Not.Contain("the-registry-password-123").And.Not.Contain(token));
    }

    [Test]
    public void A_token_that_is_not_base64_of_user_and_password_is_refused_without_echoing_it()
    {
        var handler = new CannedHandler((HttpStatusCode.OK, $$"""{"authorizationData":[{"authorizationToken":"{{Convert.ToBase64String("no-colon"u8.ToArray())}}"}]}"""));

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Ecr(handler).GetLoginAsync(value => new Secret(value), CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("ECR GetAuthorizationToken replied with a token that is not USER:PASSWORD."));
    }
}
