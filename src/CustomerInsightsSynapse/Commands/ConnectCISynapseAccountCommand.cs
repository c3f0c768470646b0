using System.Management.Automation;
using System.Security;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Connect-CISynapseAccount: chooses how the module signs in to Azure.</summary>
[Cmdlet(VerbsCommunications.Connect, "CISynapseAccount", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseContext))]
public sealed class ConnectCISynapseAccountCommand : CISynapseCmdlet
{
    private const string DefaultSet = "DefaultCredential";
    private const string IdentitySet = "ManagedIdentity";
    private const string TokenSet = "AccessToken";

    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    [Parameter(ParameterSetName = IdentitySet)]
    [Alias("AccountId")]
    [ValidatePattern("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    public string? ClientId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = TokenSet)]
    [SecureStringTransformation]
    public SecureString? AccessToken { get; set; }

    [Parameter(ParameterSetName = TokenSet)]
    [SecureStringTransformation]
    public SecureString? StorageAccessToken { get; set; }

    [Parameter(ParameterSetName = TokenSet)]
    [SecureStringTransformation]
    public SecureString? SynapseAccessToken { get; set; }

    [Parameter(ParameterSetName = TokenSet)]
    [SecureStringTransformation]
    [Alias("MicrosoftGraphAccessToken")]
    public SecureString? GraphAccessToken { get; set; }

    [Parameter(ParameterSetName = TokenSet)]
    [SecureStringTransformation]
    public SecureString? SqlAccessToken { get; set; }

    [Parameter]
    [Alias("TenantId")]
    public string? Tenant { get; set; }

    [Parameter]
    [Alias("EnvironmentName")]
    [ValidateSet(CloudEnvironment.AzureCloudName, CloudEnvironment.AzureUSGovernmentName, CloudEnvironment.AzureChinaCloudName)]
    public string? Environment { get; set; }

    [Parameter]
    [Alias("ResourceManagerEndpoint")]
    public Uri? ResourceManagerUrl { get; set; }

    [Parameter]
    [Alias("MicrosoftGraphEndpoint")]
    public Uri? GraphUrl { get; set; }

    protected override void ExecuteCmdlet()
    {
        var cloud = ResourceManagerUrl is not null
            ? CloudEnvironment.Custom(ResourceManagerUrl, GraphUrl)
            : CloudEnvironment.FromName(Environment ?? CloudEnvironment.AzureCloudName);
        if (ResourceManagerUrl is null && GraphUrl is not null)
        {
            cloud = cloud with { GraphUrl = GraphUrl, GraphAudience = GraphUrl.GetLeftPart(UriPartial.Authority) };
        }

        var session = ParameterSetName switch
        {
            IdentitySet => AzureSession.WithManagedIdentity(cloud, ClientId, Tenant),
            TokenSet => AzureSession.WithAccessTokens(
                cloud,
                SecureStringTransformationAttribute.Reveal(AccessToken)!,
                SecureStringTransformationAttribute.Reveal(StorageAccessToken),
                SecureStringTransformationAttribute.Reveal(SynapseAccessToken),
                SecureStringTransformationAttribute.Reveal(GraphAccessToken),
                SecureStringTransformationAttribute.Reveal(SqlAccessToken),
                Tenant),
            _ => AzureSession.WithDefaultCredential(cloud, Tenant),
        };

        if (!ShouldProcess($"{cloud.Name} ({cloud.ResourceManagerUrl})", $"Sign in with {session.Method}"))
        {
            return;
        }

        WriteVerbose($"Signing in to {cloud.ResourceManagerUrl} with {session.Method}.");
        var identity = Run(context => session.GetIdentityAsync(cloud.ResourceManagerAudience, context.CancellationToken));
        ModuleSession.Set(session, identity);
        WriteObject(new CISynapseContext(session, identity));
    }
}
