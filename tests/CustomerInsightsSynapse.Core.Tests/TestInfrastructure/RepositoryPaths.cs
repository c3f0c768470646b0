namespace CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

/// <summary>Where things are in the checkout, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared CDM fixtures beside the checkout (../shared/fixtures/cdm).</summary>
    public static string SharedCdmFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "cdm"));

    public static string TestData => Path.Combine(Root, "tests", "CustomerInsightsSynapse.Core.Tests", "TestData");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PSModule.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("PSModule.sln not found above " + AppContext.BaseDirectory);
    }
}
