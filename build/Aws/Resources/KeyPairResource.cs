using Amazon.EC2;
using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The EC2 key pair, imported from the operator's public key; EC2 cannot change one, so another key is refused.</summary>
public sealed class KeyPairResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var settings = context.Aws;
        var resource = "key pair " + settings.KeyName;
        var publicKey = File.ReadAllText(context.PathInRepository(settings.PublicKey)).Trim();
        var pairs = await context.Clients.Ec2.DescribeKeyPairsAsync(
            new DescribeKeyPairsRequest { Filters = [new Filter("key-name", [settings.KeyName])], IncludePublicKey = true }, cancellationToken);
        var pair = pairs.KeyPairs?.FirstOrDefault();
        if (pair is null)
        {
            return ResourceChange.Create(resource, "import " + settings.PublicKey, ct =>
                context.Clients.Ec2.ImportKeyPairAsync(new ImportKeyPairRequest
                {
                    KeyName = settings.KeyName,
                    // The API takes the OpenSSH public key base64-encoded.
                    PublicKeyMaterial = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(publicKey)),
                    TagSpecifications = context.TagSpecification(ResourceType.KeyPair, settings.KeyName),
                }, ct));
        }

        if (pair.PublicKey is { Length: > 0 } existing && KeyBody(existing) != KeyBody(publicKey))
        {
            return ResourceChange.Update(resource, [($"holds another public key than {settings.PublicKey}", _ => throw new InvalidOperationException(
                $"The EC2 key pair {settings.KeyName} holds another public key than {settings.PublicKey}, and EC2 cannot change a key pair. " +
                "Name a new one in Aws.KeyName, or delete the old one in the EC2 console if nothing uses it."))]);
        }

        return ResourceChange.Unchanged(resource);
    }

    private static string KeyBody(string openSshKey) => string.Join(' ', openSshKey.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
}
