using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// Secrets kept as SecureString parameters of SSM Parameter Store: GetParameter with
/// WithDecryption=true, so the value arrives decrypted by AWS and stays in memory. Errors name the
/// parameter and what to do; no message ever carries a value.
/// </summary>
public sealed class SsmSecureParameters(IAmazonSimpleSystemsManagement ssm) : ISecureParameters
{
    public async Task<string> GetAsync(string name, CancellationToken cancellationToken)
    {
        GetParameterResponse reply;
        try
        {
            reply = await ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, cancellationToken);
        }
        catch (ParameterNotFoundException exception)
        {
            throw new SecretUnavailableException(
                $"SSM has no parameter {name} in this account and region; create it as a SecureString (aws ssm put-parameter --type SecureString --name {name} ...) or fix the name.", exception);
        }
        catch (AmazonSimpleSystemsManagementException exception) when (exception.ErrorCode is "AccessDeniedException" or "AccessDenied")
        {
            throw new SecretUnavailableException(
                $"access to SSM parameter {name} was denied ({exception.ErrorCode}); allow ssm:GetParameter on it, and kms:Decrypt on its key, for whoever runs the suite (see ./build.sh --target=DeployPolicy).", exception);
        }
        catch (AmazonServiceException exception)
        {
            throw new SecretUnavailableException($"SSM could not read parameter {name}: {exception.ErrorCode} ({(int)exception.StatusCode}); check the name, the region and your AWS credentials.", exception);
        }
        catch (AmazonClientException exception)
        {
            throw new SecretUnavailableException($"SSM parameter {name} could not be asked for: {exception.Message} Set up AWS credentials (environment, profile or SSO) for the SDK's default chain.", exception);
        }

        var parameter = reply.Parameter;
        if (parameter.Type != ParameterType.SecureString)
        {
            throw new SecretUnavailableException(
                $"SSM parameter {name} is a {parameter.Type}, stored in clear: a secret must be a SecureString; recreate it with --type SecureString.");
        }

        return parameter.Value;
    }

    public void Dispose() => ssm.Dispose();
}
