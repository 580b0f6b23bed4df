namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>Bad settings and endpoints that answer wrong, against moto: each is one clear line, before anything is made.</summary>
public sealed class InputEmulatorTests : EmulatorTests
{
    [TestCase("--aws_operatorcidrs=0.0.0.0/0", "Aws.OperatorCidrs: '0.0.0.0/0' opens SSH to the whole internet")]
    [TestCase("--aws_operatorcidrs=198.51.0.0/12", "or set Aws.AllowSshFromAnywhere to true")]
    [TestCase("--aws_region=xx-north-9", "Aws.Region: 'xx-north-9' is not a region the AWS SDK knows")]
    [TestCase("--aws_ami=", "Set Aws.Ami to the image id to boot")]
    [TestCase("--aws_ami=ami-00000000000000000", "EC2 knows no image ami-00000000000000000 in us-east-1: check Aws.Ami")]
    public void A_bad_input_gives_one_clear_line_and_makes_nothing(string argument, string message) =>
        Run.Refuses(message, "--target=ProvisionAws", argument);

    [Test]
    public void Host_bits_of_an_operator_block_are_cleared_with_a_warning()
    {
        var output = Run.Succeed("--target=Plan", "--aws_operatorcidrs=203.0.113.7/24");
        Assert.That(output, Does.Contain("203.0.113.7/24 has host bits set; SSH is opened to 203.0.113.0/24").And.Contain("tcp 22 from 203.0.113.0/24"));
    }

    [Test]
    public void An_endpoint_nothing_listens_on_is_named_with_its_setting()
    {
        var (exitCode, output) = Run.Run("--target=Plan", "--aws-endpoint=http://127.0.0.1:9");
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("Error: STS GetCallerIdentity: no answer (Connection refused").And.Contain("from the endpoint http://127.0.0.1:9, from the setting Aws.Endpoint (--aws-endpoint=URL)"));
    }

    [TestCase("Plan", "STS GetCallerIdentity")]
    [TestCase("Status", "looking up the environment's hosts (EC2, RDS)")]
    public void An_HTML_page_for_an_answer_is_one_line_naming_the_endpoint_and_its_setting(string target, string what)
    {
        // No API answers under this path: moto's web server sends its HTML 404 page, as a proxy or a wrong endpoint would.
        var endpoint = Run.Server.Url + "/not-an-api/";
        var (exitCode, output) = Run.Run($"--target={target}", $"--aws-endpoint={endpoint}");
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain(
            $"Error: {what}: an HTML page (HTTP 404, \"404 Not Found\") instead of AWS's answer, from the endpoint {endpoint}, from the setting Aws.Endpoint (--aws-endpoint=URL)"));
        Assert.That(output, Does.Not.Contain("<html").IgnoreCase.And.Not.Contain("<title>"));
    }
}
