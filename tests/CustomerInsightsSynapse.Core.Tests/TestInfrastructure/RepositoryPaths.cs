namespace CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

/// <summary>Where things are in the checkout, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The shared CDM fixtures beside the checkout (../shared/fixtures/cdm), or beside a folder further up
    /// (a worktree at /work/wt/name finds /work/shared/fixtures/cdm).
    /// </summary>
    public static string SharedCdmFixtures { get; } = FindShared(Path.Combine("shared", "fixtures", "cdm"));

    /// <summary>The official Azure REST API specifications beside the checkout (../shared/fixtures/azure-rest-specs).</summary>
    public static string SharedAzureRestSpecs { get; } = FindShared(Path.Combine("shared", "fixtures", "azure-rest-specs"));

    public static string TestData => Path.Combine(Root, "tests", "CustomerInsightsSynapse.Core.Tests", "TestData");

    private static string FindShared(string relative)
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(Path.Combine(Root, "..", relative));
    }

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
