using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The image a new instance boots: Aws.Ami when set, else Debian 12's current official image (the
/// public parameter Debian publishes in SSM, else the newest of Debian's images by DescribeImages),
/// so that production runs what the sandbox rehearses. Resolved during Plan, which names it.
/// </summary>
public sealed class MachineImage(AwsContext context)
{
    public const string DebianParameter = "/aws/service/debian/release/12/latest/amd64";

    /// <summary>The AWS account Debian publishes its official images from.</summary>
    public const string DebianAccount = "136693071363";

    public const string DebianNamePattern = "debian-12-amd64-*";

    public async Task<Image> ResolveAsync(CancellationToken cancellationToken)
    {
        var ec2 = context.Clients.Ec2;
        if (context.Aws.Ami.Length > 0)
        {
            return await ImageAsync(context.Aws.Ami, cancellationToken)
                ?? throw new InvalidOperationException($"EC2 knows no image {context.Aws.Ami} in {context.Region}: check Aws.Ami (an image id of this region), or leave it empty for Debian 12.");
        }

        var fromParameter = await ParameterAsync(cancellationToken);
        if (fromParameter is not null)
        {
            if (await ImageAsync(fromParameter, cancellationToken) is { } image)
            {
                return image;
            }
        }

        var debian = await ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = [DebianAccount],
            Filters = [new Filter("name", [DebianNamePattern]), new Filter("architecture", ["x86_64"]), new Filter("state", ["available"])],
        }, cancellationToken);
        return debian.Images?.OrderByDescending(image => image.CreationDate, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException(
                $"No Debian 12 image found in {context.Region}: neither the SSM parameter {DebianParameter} nor Debian's account {DebianAccount} ({DebianNamePattern}) names one. " +
                "Set Aws.Ami to the image id to boot (its default login must be Ssh.User).");
    }

    /// <summary>The image of that id, or null: EC2 answers an unknown id with InvalidAMIID.NotFound (or .Malformed).</summary>
    private async Task<Image?> ImageAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            return (await context.Clients.Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] }, cancellationToken)).Images?.FirstOrDefault();
        }
        catch (AmazonEC2Exception exception) when (exception.ErrorCode.StartsWith("InvalidAMIID", StringComparison.Ordinal))
        {
            return null;
        }
    }

    private async Task<string?> ParameterAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await context.Clients.Ssm.GetParameterAsync(new GetParameterRequest { Name = DebianParameter }, cancellationToken)).Parameter?.Value;
        }
        catch (ParameterNotFoundException)
        {
            return null;
        }
        catch (AmazonSimpleSystemsManagementException exception) when (exception.ErrorCode is "AccessDeniedException" or "ValidationException")
        {
            context.Log.Verbose($"SSM did not give {DebianParameter} ({exception.ErrorCode}): looking for Debian's images instead.");
            return null;
        }
    }
}
