using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

/// <summary>
/// The Azurite Blob endpoint of the test run (plain HTTP with the well-known development account key), started by
/// build.ps1 through tests/TestStack and named by <see cref="AzuriteAccount.EnvironmentVariable"/>.
/// </summary>
public sealed class AzuriteFixture
{
    public const string AccountName = AzuriteAccount.AccountName;
    public const string AccountKey = AzuriteAccount.AccountKey;

    public string ConnectionString { get; } = AzuriteAccount.ConnectionString();
}

/// <summary>One Azurite for every test class that names this collection.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
