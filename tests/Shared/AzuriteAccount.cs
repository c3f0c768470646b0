namespace CustomerInsightsSynapse.Testing;

/// <summary>
/// The Azurite Blob endpoint the test runner or the bench started (tests/TestStack Start-CISynapseAzurite, the one
/// way Azurite is started), named by CISYNAPSE_TEST_AZURITE_CONNECTION_STRING, and its well-known development account.
/// </summary>
public static class AzuriteAccount
{
    public const string EnvironmentVariable = "CISYNAPSE_TEST_AZURITE_CONNECTION_STRING";
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string ConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: these tests need the Azurite endpoint that 'build.ps1 -Task Test' (or bench/run.ps1) starts. " +
                "Run a subset with: dotnet pwsh ./build.ps1 -Task Test -XunitFilter '<filter>' -PesterPath none");
        }

        return value;
    }
}
