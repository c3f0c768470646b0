using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

/// <summary>
/// An Azurite Blob endpoint for Core tests (plain HTTP with the well-known development account key).
/// Uses the one named by CISYNAPSE_TEST_AZURITE_CONNECTION_STRING when set, else starts one
/// (<see cref="AzuriteServer"/>, shared with the bench) and stops it on dispose.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    public const string AccountName = AzuriteServer.AccountName;
    public const string AccountKey = AzuriteServer.AccountKey;

    private readonly AzuriteServer? _server;

    public AzuriteFixture()
    {
        var external = Environment.GetEnvironmentVariable("CISYNAPSE_TEST_AZURITE_CONNECTION_STRING");
        if (!string.IsNullOrEmpty(external))
        {
            ConnectionString = external;
            return;
        }

        _server = new AzuriteServer(RepositoryPaths.Root);
        ConnectionString = _server.ConnectionString;
    }

    public string ConnectionString { get; }

    public void Dispose() => _server?.Dispose();
}

/// <summary>One Azurite for every test class that names this collection.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
